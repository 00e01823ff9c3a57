// Random numbers: xoshiro256** (Blackman & Vigna, 2018), seeded through splitmix64.
//
// Every component draws from its own named stream. A stream's state is derived from
// (seed, replication, name) by hashing the name with FNV-1a 64 and feeding the mix through
// splitmix64, so adding a component or changing the draw count of one component never shifts
// the numbers another component sees, and replication k of seed s is the same on every machine.
// Only integer arithmetic and the IEEE conversion below are involved: bit-identical everywhere.
// Not thread safe; each stream belongs to one replication on one thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace loadcast::sim {

inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

inline std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t h = 0xCBF29CE484222325ull;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ull;
  }
  return h;
}

__extension__ using Uint128 = unsigned __int128;

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) { reseed(seed); }

  // The stream named `name` of replication `replication` under `seed`.
  static Rng stream(std::uint64_t seed, std::uint64_t replication, std::string_view name) {
    std::uint64_t mix = seed;
    const std::uint64_t a = splitmix64(mix);
    mix = a ^ (replication * 0xD1B54A32D192ED03ull);
    const std::uint64_t b = splitmix64(mix);
    return Rng(b ^ fnv1a64(name));
  }

  // A generator in exactly this state (a saved stream, or the reference test vectors).
  static Rng from_state(std::uint64_t s0, std::uint64_t s1, std::uint64_t s2, std::uint64_t s3) {
    Rng r;
    r.s_[0] = s0;
    r.s_[1] = s1;
    r.s_[2] = s2;
    r.s_[3] = s3;
    return r;
  }

  void reseed(std::uint64_t seed) {
    std::uint64_t sm = seed;
    for (auto& word : s_) word = splitmix64(sm);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe to take the logarithm of.
  double uniform_pos() { return static_cast<double>((next() >> 11) + 1) * 0x1.0p-53; }
  // Uniform integer in [0, n) without modulo bias (Lemire's multiply-shift with rejection).
  std::uint64_t below(std::uint64_t n) {
    if (n <= 1) return 0;
    Uint128 m = static_cast<Uint128>(next()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<Uint128>(next()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace loadcast::sim
