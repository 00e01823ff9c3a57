#include "workload/arrival_sequence.hpp"

#include "sim/distribution.hpp"

namespace loadcast::workload {

ArrivalSequence::ArrivalSequence(const RateSchedule& rate, ArrivalProcess process, const sim::WeightedChoice& classes,
                                 std::uint64_t seed, std::uint64_t replication, sim::Time end)
    : rate_(rate),
      process_(process),
      classes_(classes),
      arrival_rng_(sim::Rng::stream(seed, replication, kArrivalStream)),
      class_rng_(sim::Rng::stream(seed, replication, kClassStream)),
      end_(end) {}

double ArrivalSequence::draw(std::size_t& cls) {
  double position = 0.0;
  if (process_ == ArrivalProcess::kUniform) {
    position = static_cast<double>(k_ + 1);
  } else {
    area_ += sim::standard_exponential(arrival_rng_);
    position = area_;
  }
  ++k_;
  cls = classes_.pick(class_rng_);
  return position;
}

std::optional<Arrival> ArrivalSequence::next() {
  if (done_) return std::nullopt;
  const std::uint64_t index = k_;
  std::size_t cls = 0;
  const double position = draw(cls);
  const auto at = rate_.inverse_integral(position);
  if (!at || *at >= end_) {
    done_ = true;
    return std::nullopt;
  }
  return Arrival{index, *at, cls};
}

void ArrivalSequence::pass(std::uint64_t n) {
  if (done_) return;
  // With one class a pick draws nothing, so a uniform sequence can jump.
  if (process_ == ArrivalProcess::kUniform && classes_.size() <= 1) {
    k_ += n;
    return;
  }
  std::size_t cls = 0;
  for (std::uint64_t i = 0; i < n; ++i) draw(cls);
}

}  // namespace loadcast::workload
