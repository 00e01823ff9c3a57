// Field lists: a struct's fields written down once, each as its JSON key and a member pointer,
// so that writing, reading and field-by-field arithmetic (merge, scale) walk one list in one
// order — the order of the keys in the written JSON (reports::Json keeps insertion order).
// nlohmann's NLOHMANN_DEFINE_TYPE_* macros do not fit here: in nlohmann 3.11.2 they convert to
// nlohmann::json only (not the ordered_json results use) and their reading is not strict.
// The lists and the reading rules (defaults, errors) belong to the code that uses them.
// Header-only constexpr data; thread safe.
#pragma once

#include <tuple>

namespace loadcast::reports {

template <typename T, typename M>
struct Field {
  using type = M;
  const char* key;
  M T::*member;
};

template <typename T, typename M>
constexpr Field<T, M> field(const char* key, M T::*member) {
  return Field<T, M>{key, member};
}

// Calls f(field) for every field of `fields` (a std::tuple of Field), in order.
template <typename Fields, typename F>
constexpr void for_each_field(const Fields& fields, F&& f) {
  std::apply([&](const auto&... each) { (f(each), ...); }, fields);
}

}  // namespace loadcast::reports
