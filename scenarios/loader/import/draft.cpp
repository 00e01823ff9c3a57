#include "scenarios/loader/import/draft.hpp"

namespace loadcast::scenario {

namespace {

template <typename T>
T* by_name(std::vector<T>& items, const std::string& name) {
  for (auto& it : items) {
    if (it.name == name) return &it;
  }
  return nullptr;
}

}  // namespace

std::string scenario_engine(const std::string& e) {
  if (e == "aurora-mysql" || e == "aurora" || e == "mysql" || e == "mariadb") return "mysql";
  if (e == "aurora-postgresql" || e == "postgres" || e == "postgresql") return "postgresql";
  return {};
}

bool ImportResult::complete() const { return count(ImportFinding::Kind::kNotImported) == 0; }

std::size_t ImportResult::count(ImportFinding::Kind kind) const {
  std::size_t n = 0;
  for (const auto& f : findings) n += f.kind == kind ? 1 : 0;
  return n;
}

void Draft::not_imported(std::string where, std::string what) {
  findings.push_back({ImportFinding::Kind::kNotImported, std::move(where), std::move(what)});
}

void Draft::ignored(std::string where, std::string what) {
  findings.push_back({ImportFinding::Kind::kIgnored, std::move(where), std::move(what)});
}

void Draft::note(std::string where, std::string what) {
  findings.push_back({ImportFinding::Kind::kNote, std::move(where), std::move(what)});
}

DraftService* Draft::service(const std::string& wanted) { return by_name(services, wanted); }
DraftQueue* Draft::queue(const std::string& wanted) { return by_name(queues, wanted); }
DraftTopic* Draft::topic(const std::string& wanted) { return by_name(topics, wanted); }

const DraftTopic* Draft::topic(const std::string& wanted) const {
  for (const auto& t : topics) {
    if (t.name == wanted) return &t;
  }
  return nullptr;
}

}  // namespace loadcast::scenario
