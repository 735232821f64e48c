#include "nuflare/io/rho_table.hpp"

#include "nuflare/io/table_reader.hpp"

#include <limits>

namespace nuflare::io {

std::unordered_map<std::string, double> read_rho_table(const std::string& path) {
  TableReader t(path);
  const std::size_t c_src = t.require({"source", "name"});
  const std::size_t c_rho = t.require({"rho"});
  const auto c_band = t.find("band");
  const auto c_class = t.find("class");
  std::unordered_map<std::string, double> out;
  while (t.next()) {
    if (c_band && t.text(*c_band) != "multi")
      continue;
    const auto rho = t.optional_number(c_rho);
    double v = std::numeric_limits<double>::quiet_NaN();
    if (rho) {
      if (*rho < 0 || *rho > 1)
        t.fail(c_rho, "ρ must lie in [0, 1]");
      const bool both = !c_class || *rho > 0 || t.text(*c_class) != "none";
      if (both)
        v = *rho;
    }
    out[std::string(t.text(c_src))] = v;
  }
  return out;
}

} // namespace nuflare::io
