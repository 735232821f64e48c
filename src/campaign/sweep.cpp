#include "nuflare/campaign/sweep.hpp"

#include "nuflare/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nuflare::campaign {

double best_p_value(const io::Table& t) {
  for (const char* name : {"post_trial_p", "p_value"})
    for (const auto& c : t.columns)
      if (c.name == name)
        if (const auto* v = std::get_if<std::vector<double>>(&c.values)) {
          double best = std::numeric_limits<double>::quiet_NaN();
          for (double p : *v)
            if (!std::isnan(p) && !(best <= p))
              best = p;
          return best;
        }
  return std::numeric_limits<double>::quiet_NaN();
}

SweepTable combine_sweep(const std::vector<std::string>& labels,
                         const std::vector<io::Table>& tables, const std::string& where) {
  SweepTable out{{}, std::numeric_limits<double>::quiet_NaN(), {}, 0};
  for (std::size_t k = 0; k < tables.size(); ++k) {
    auto table = tables[k];
    table.columns.insert(table.columns.begin(),
                         io::Column{"archive", std::vector<std::string>(table.rows(), labels[k]),
                                    "", "archive of the row"});
    auto& sweep = out.table;
    if (sweep.columns.empty()) {
      sweep = std::move(table);
    } else {
      const auto same = [](const io::Column& a, const io::Column& b) {
        return a.name == b.name && a.values.index() == b.values.index();
      };
      if (table.columns.size() != sweep.columns.size() ||
          !std::equal(table.columns.begin(), table.columns.end(), sweep.columns.begin(), same))
        throw core::InputError(labels[k], 0, where,
                               "table columns differ from the first archive's");
      for (std::size_t c = 0; c < table.columns.size(); ++c)
        std::visit(
            [&](auto& into) {
              const auto& more = std::get<std::decay_t<decltype(into)>>(table.columns[c].values);
              into.insert(into.end(), more.begin(), more.end());
            },
            sweep.columns[c].values);
    }
    const double p = best_p_value(tables[k]);
    if (!std::isnan(p) && !(out.p_best <= p)) {
      out.p_best = p;
      out.best = labels[k];
    }
  }
  const double n = static_cast<double>(tables.size());
  out.post_trial_p = -std::expm1(n * std::log1p(-out.p_best));
  return out;
}

} // namespace nuflare::campaign
