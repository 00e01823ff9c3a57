#include "workload/arrival_sequence.hpp"

namespace loadcast::workload {

ArrivalSequence::ArrivalSequence(const RateSchedule& rate, ArrivalProcess process, std::uint32_t batch,
                                 const sim::WeightedChoice& classes, std::uint64_t seed, std::uint64_t replication, sim::Time end)
    : rate_(rate),
      process_(process),
      batch_(batch > 0 ? batch : 1),
      classes_(classes),
      arrival_rng_(sim::Rng::stream(seed, replication, kArrivalStream)),
      class_rng_(sim::Rng::stream(seed, replication, kClassStream)),
      end_(end) {}

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
