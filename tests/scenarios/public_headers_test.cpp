// The loader's public headers expose no yaml-cpp type: included first, alone, they pull in no
// yaml-cpp header (every one of them includes yaml-cpp/dll.h, which defines YAML_CPP_API). The
// check is made by the compiler; the test case records that it ran. yaml_reader.hpp and
// web_loader_util.hpp are internal to the loader and not listed; import/import.hpp, the
// importers' entry (app/import uses it), is.
#include "scenarios/loader/default_scenario.hpp"
#include "scenarios/loader/import/import.hpp"
#include "scenarios/loader/pricing_embedded.hpp"
#include "scenarios/loader/pricing_loader.hpp"
#include "scenarios/loader/scenario.hpp"
#include "scenarios/loader/sections.hpp"

#if defined(YAML_CPP_API)
#error "a public header of scenarios/loader includes yaml-cpp"
#endif

#include <catch2/catch.hpp>

TEST_CASE("LoaderHeaders: the public headers of scenarios/loader compile without yaml-cpp") { SUCCEED(); }
