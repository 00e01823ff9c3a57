// Section loaders: each reads one top-level key of a scenario into the Scenario struct,
// reporting problems through the reader's Context. The top-level loader (loader.cpp) calls them
// in dependency order (stations before the workload's steps that name them). The readers are
// opaque here: only the loader's .cpp files, which include yaml_reader.hpp, call these.
#pragma once

#include <vector>

#include "models/core/config.hpp"
#include "scenarios/loader/scenario.hpp"

namespace loadcast::scenario {

class MapReader;  // yaml_reader.hpp

void load_stations(MapReader& top, Scenario& s);
void load_workload(MapReader& top, Scenario& s);

// The web tier: database, then services, then the load balancer (its rules name services and
// its target-group defaults apply to them); after the workload, link_web_tier() routes each
// request class through the listener rules and checks that cpu/db steps can run.
void load_database(MapReader& top, Scenario& s);
void load_services(MapReader& top, Scenario& s);
void load_load_balancer(MapReader& top, Scenario& s);
void link_web_tier(MapReader& top, Scenario& s);
// A `cpu:` or `db:` step: returns false when the step is neither.
bool load_web_step(MapReader& m, const Scenario& s, models::StepConfig& step);

// The messaging tier: queues (and their dead-letter queues and schedules) before topics (which
// subscribe queues), both before the workload (whose publish steps name them); workers after
// the services (distinct names) and link_web_tier; faults last (they name services and workers).
void load_queues(MapReader& top, Scenario& s);
void load_topics(MapReader& top, Scenario& s);
void load_workers(MapReader& top, Scenario& s);
void load_faults(MapReader& top, Scenario& s);
// A `publish:` step: returns false when the step is not one.
bool load_publish_step(MapReader& m, const Scenario& s, models::StepConfig& step);
// `database.proxy` and `database.replica_autoscaling`, read inside the database section.
void load_data_tier(MapReader& db, const models::DatabaseConfig& c, Scenario& s);

// After every section: replaces each `auto` (desired, initial_acu, replica desired) with its
// estimate and records every component's initial capacity in s.initial_capacity.
void resolve_initial_capacity(Scenario& s);

// The `cost:` section (pricing_loader.hpp shows its keys); fixed costs that name a price are
// checked against the table once the region is known (check_cost_config).
void load_cost_section(MapReader& top, cost::CostConfig& out);
// What the bill depends on beyond the meters, counted from the loaded scenario (the scaling
// policies' CloudWatch alarms, services, an internet-facing load balancer): cost.coverage.
cost::Coverage cost_coverage(const Scenario& s);
// The price-table check of a provisioned `database:` section, run while it is read: every
// instance class (writer, readers) must have a price in the scenario's table, or the run could
// not be priced. Reports a located error on the class key.
void check_database_prices(MapReader& db, const models::DatabaseConfig& c, const Scenario& s);

// One step of a request class or worker (`station:`, `delay:`, `cpu:`...) read from its mapping,
// appended to `steps`; nothing is appended when the step is not valid.
void load_step(MapReader& m, const Scenario& s, std::vector<models::StepConfig>& steps);

}  // namespace loadcast::scenario
