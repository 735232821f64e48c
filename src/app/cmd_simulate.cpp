// nuflare simulate: a synthetic sky in every input format nuflare reads
// (docs/methods.md (simulator)). Thin: options -> sim::SkyConfig -> simulate_sky ->
// write_sky on rank 0; the other ranks only learn whether it worked.
#include "cli.hpp"

#include "nuflare/campaign/gather.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/output_lock.hpp"
#include "nuflare/sim/catalog.hpp"
#include "nuflare/sim/sky.hpp"
#include "nuflare/sim/writers.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace nuflare::app {

namespace {

using sim::SkyConfig;

//! One deck key: its name, the SkyConfig member it sets, its help line and
//! the range its own value must lie in (checked as it is read, so an error
//! names the key and its deck line; relations between keys are left to
//! sim::validate).
template <class T>
struct Key {
  const char* name;
  T& (*ref)(SkyConfig&);
  const char* help;
  Bounds range = {}; //!< integers: [lo, hi], both finite
};

#define NUFLARE_KEY(T, name, member, help, ...)                                                    \
  Key<T> {                                                                                         \
    name, [](SkyConfig& c) -> T& { return c.member; }, help, __VA_ARGS__                           \
  }

using Size = std::size_t;

// Upper bounds of the counts: beyond them a sky no longer fits in the memory
// of one node (rank 0 holds the whole sky), e.g. 10^7 events per season take
// ~1 GB with their text. The real samples are far smaller: IceCube's ten
// years hold ~1.1 million tracks, IceCat-1 ~280 alerts, 4FGL ~7000 blazars.
constexpr double MAX_EVENTS_PER_SEASON = 1e7;
constexpr double MAX_ALERTS = 1e5;
constexpr double MAX_SOURCES = 1e6;

const std::vector<Key<double>>& double_keys() {
  static const std::vector<Key<double>> keys = {
      NUFLARE_KEY(double, "events.start-mjd", events.start_mjd, "start of the first season [MJD]"),
      NUFLARE_KEY(double, "events.season-days", events.season_days, "length of a season [days]",
                  POSITIVE),
      NUFLARE_KEY(double, "events.run-hours", events.run_hours, "mean good-run length [hours]",
                  POSITIVE),
      NUFLARE_KEY(double, "events.uptime", events.uptime, "livetime / season length",
                  Bounds{0, 1, true, false}),
      NUFLARE_KEY(double, "alerts.start-mjd", alerts.start_mjd, "earliest alert [MJD]"),
      NUFLARE_KEY(double, "alerts.stop-mjd", alerts.stop_mjd, "latest alert [MJD]"),
      NUFLARE_KEY(double, "alerts.sin-dec-min", alerts.sin_dec_min, "alert sin(Dec) lower bound",
                  Bounds{-1, 1}),
      NUFLARE_KEY(double, "alerts.sin-dec-max", alerts.sin_dec_max, "alert sin(Dec) upper bound",
                  Bounds{-1, 1}),
      NUFLARE_KEY(double, "alerts.gold-fraction", alerts.gold_fraction,
                  "fraction of gfu-gold alerts", UNIT_INTERVAL),
      NUFLARE_KEY(double, "catalog.min-abs-glat", catalog.min_abs_glat_deg,
                  "sources only at |b| above this [deg]", Bounds{0, 80, false, true}),
      NUFLARE_KEY(double, "catalog.fraction-cfs", catalog.fraction_cfs,
                  "fraction of sources with simultaneous flares (group CFS)", UNIT_INTERVAL),
      NUFLARE_KEY(double, "catalog.fraction-nfs", catalog.fraction_nfs,
                  "fraction of sources with orphan flares (group NFS)", UNIT_INTERVAL),
      NUFLARE_KEY(double, "catalog.fraction-txs", catalog.fraction_txs,
                  "fraction of gamma-then-infrared sources (group TXS-like)", UNIT_INTERVAL),
      NUFLARE_KEY(double, "catalog.warm-spot-fraction", catalog.warm_spot_fraction,
                  "fraction of sources flagged warm_spot", UNIT_INTERVAL),
      NUFLARE_KEY(double, "lightcurves.start-mjd", lightcurves.start_mjd,
                  "light curves start [MJD]"),
      NUFLARE_KEY(double, "lightcurves.stop-mjd", lightcurves.stop_mjd, "light curves end [MJD]"),
      NUFLARE_KEY(double, "lightcurves.gamma-bin-days", lightcurves.gamma_bin_days,
                  "gamma-ray bin width [days]", POSITIVE),
      NUFLARE_KEY(double, "lightcurves.gamma-flux", lightcurves.gamma_flux,
                  "median quiescent gamma-ray energy flux [erg cm^-2 s^-1]", POSITIVE),
      NUFLARE_KEY(double, "lightcurves.gamma-noise", lightcurves.gamma_noise,
                  "gamma-ray 1 sigma noise floor [erg cm^-2 s^-1]", POSITIVE),
      NUFLARE_KEY(double, "lightcurves.gamma-ul-snr", lightcurves.gamma_ul_snr,
                  "gamma-ray bins below this S/N become upper limits"),
      NUFLARE_KEY(double, "lightcurves.ir-cadence-days", lightcurves.ir_cadence_days,
                  "infrared visit spacing [days]",
                  Bounds{2, std::numeric_limits<double>::infinity(), true, false}),
      NUFLARE_KEY(double, "lightcurves.ir-gap-start", lightcurves.ir_gap_start_mjd,
                  "infrared survey gap start [MJD]"),
      NUFLARE_KEY(double, "lightcurves.ir-gap-stop", lightcurves.ir_gap_stop_mjd,
                  "infrared survey gap end [MJD]"),
      NUFLARE_KEY(double, "lightcurves.ir-first-mjd", lightcurves.ir_first_mjd,
                  "first possible infrared visit [MJD]"),
      NUFLARE_KEY(double, "lightcurves.ir-flux-mjy", lightcurves.ir_flux_mjy,
                  "median quiescent infrared flux density [mJy]", POSITIVE),
      NUFLARE_KEY(double, "lightcurves.ir-noise-fraction", lightcurves.ir_noise_fraction,
                  "relative infrared error per exposure", POSITIVE),
      NUFLARE_KEY(double, "lightcurves.drw-tau-days", lightcurves.drw_tau_days,
                  "damped-random-walk time scale [days]", POSITIVE),
      NUFLARE_KEY(double, "lightcurves.drw-sigma-gamma", lightcurves.drw_sigma_gamma,
                  "DRW rms of ln(flux), gamma-ray", NON_NEGATIVE),
      NUFLARE_KEY(double, "lightcurves.drw-sigma-ir", lightcurves.drw_sigma_ir,
                  "DRW rms of ln(flux), infrared", NON_NEGATIVE),
      NUFLARE_KEY(double, "lightcurves.flare-gamma-amplitude", lightcurves.flare_gamma_amplitude,
                  "mean gamma-ray flare plateau / quiescent flux", NON_NEGATIVE),
      NUFLARE_KEY(double, "lightcurves.flare-ir-amplitude", lightcurves.flare_ir_amplitude,
                  "mean infrared flare plateau / quiescent flux", NON_NEGATIVE),
      NUFLARE_KEY(double, "lightcurves.flare-gamma-days", lightcurves.flare_gamma_days,
                  "gamma-ray flare duration [days]", POSITIVE),
      NUFLARE_KEY(double, "lightcurves.flare-ir-days", lightcurves.flare_ir_days,
                  "infrared flare duration [days]", POSITIVE),
      NUFLARE_KEY(double, "lightcurves.flare-cfs-days", lightcurves.flare_cfs_days,
                  "simultaneous (CFS) flare duration [days]", POSITIVE),
      NUFLARE_KEY(double, "lightcurves.txs-lag-days", lightcurves.txs_lag_days,
                  "TXS-like infrared start minus gamma-ray end [days]", NON_NEGATIVE),
      NUFLARE_KEY(double, "inject.strength", injection.strength,
                  "mean signal neutrinos per injected source, all seasons", NON_NEGATIVE),
      NUFLARE_KEY(double, "inject.spectral-index", injection.spectral_index,
                  "signal spectrum E^-index", POSITIVE),
      NUFLARE_KEY(double, "inject.log10e-min", injection.log10_e_min,
                  "lowest signal energy, log10(E/GeV)"),
      NUFLARE_KEY(double, "inject.log10e-max", injection.log10_e_max,
                  "highest signal energy, log10(E/GeV)"),
      NUFLARE_KEY(double, "followup.start-mjd", followup.start_mjd,
                  "follow up only alerts after this [MJD]"),
      NUFLARE_KEY(double, "followup.min-signalness", followup.min_signalness,
                  "follow up when signalness is above this ..."),
      NUFLARE_KEY(double, "followup.max-area", followup.max_area_deg2,
                  "... or the 90% rectangle is smaller than this [deg^2]"),
  };
  return keys;
}

const std::vector<Key<Size>>& size_keys() {
  static const std::vector<Key<Size>> keys = {
      NUFLARE_KEY(Size, "events.per-season", events.per_season, "background events per season",
                  Bounds{0, MAX_EVENTS_PER_SEASON}),
      NUFLARE_KEY(Size, "alerts.count", alerts.count, "number of alerts", Bounds{0, MAX_ALERTS}),
      NUFLARE_KEY(Size, "catalog.count", catalog.count, "number of sources",
                  Bounds{1, MAX_SOURCES}),
      NUFLARE_KEY(Size, "inject.random-sources", injection.random_sources,
                  "neutrino sources drawn from inject.group", Bounds{0, MAX_SOURCES}),
      NUFLARE_KEY(Size, "inject.alert-flares", injection.alert_flares,
                  "alerts given a flaring source inside their region", Bounds{0, MAX_ALERTS}),
  };
  return keys;
}

const std::vector<Key<int>>& int_keys() {
  static const std::vector<Key<int>> keys = {
      NUFLARE_KEY(int, "events.seasons", events.seasons, "number of IceCube-like seasons",
                  Bounds{1, 99}),
      NUFLARE_KEY(int, "lightcurves.ir-exposures", lightcurves.ir_exposures,
                  "infrared exposures per visit", Bounds{1, 50}),
  };
  return keys;
}

const std::vector<Key<std::string>>& string_keys() {
  static const std::vector<Key<std::string>> keys = {
      NUFLARE_KEY(std::string, "events.prefix", events.prefix,
                  "season names are PREFIX01, PREFIX02, ..."),
      NUFLARE_KEY(std::string, "lightcurves.gamma-band", lightcurves.gamma_band,
                  "gamma-ray band label"),
      NUFLARE_KEY(std::string, "lightcurves.ir-band", lightcurves.ir_band, "infrared band label"),
      NUFLARE_KEY(std::string, "inject.group", injection.group,
                  "catalogue group of the random neutrino sources"),
  };
  return keys;
}

#undef NUFLARE_KEY

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const auto b = item.find_first_not_of(" \t");
    const auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos)
      out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

//! Refuses an output folder that is, or contains, a folder simulate must
//! never write into or replace: a deck's folder (`output = .` in a deck), the
//! current folder, a git repository (the one around the current folder, a
//! deck or this executable, or any the output folder is the root of), $HOME
//! and /. Paths are compared after resolving links, so no other spelling of
//! a guarded folder gets past.
void refuse_guarded_folder(const Invocation& inv, const std::filesystem::path& output) {
  namespace fs = std::filesystem;
  const auto resolved = [](const fs::path& p) {
    std::error_code ec;
    fs::path q = fs::weakly_canonical(fs::absolute(p), ec);
    if (ec)
      q = fs::absolute(p).lexically_normal();
    if (q.filename().empty() && q.has_relative_path())
      q = q.parent_path(); // "a/b/" names a/b
    return q;
  };
  std::vector<std::pair<fs::path, std::string>> guarded;
  std::vector<fs::path> starts{resolved(fs::current_path())};
  guarded.emplace_back(starts.front(), "the current folder");
  if (inv.has("config"))
    for (const auto& deck : inv.get<std::vector<std::string>>("config")) {
      starts.push_back(resolved(deck).parent_path());
      guarded.emplace_back(starts.back(), "the folder of deck " + deck);
    }
  std::error_code ec;
  if (const auto exe = fs::read_symlink("/proc/self/exe", ec); !ec)
    starts.push_back(exe.parent_path());
  for (const auto& start : starts)
    for (fs::path dir = start;; dir = dir.parent_path()) {
      if (fs::exists(dir / ".git", ec)) {
        guarded.emplace_back(dir, "the git repository " + dir.string());
        break;
      }
      if (dir == dir.parent_path())
        break;
    }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    guarded.emplace_back(resolved(home), "$HOME");
  guarded.emplace_back(fs::path("/"), "/");

  const fs::path target = resolved(output);
  if (fs::exists(target / ".git", ec))
    guarded.emplace_back(target, "a git repository");
  for (const auto& [dir, what] : guarded) {
    // `target` contains `dir` when its components are a prefix of dir's.
    const auto [t, d] = std::mismatch(target.begin(), target.end(), dir.begin(), dir.end());
    if (t == target.end())
      inv.fail("output", output.string() + " is or contains " + what +
                             "; refusing to write there (choose a new folder)");
  }
}

SkyConfig config_from(const Invocation& inv) {
  SkyConfig c;
  c.seed = inv.get<std::uint64_t>("seed");
  const auto compress = inv.get<std::string>("compress");
  if (compress == "xz")
    c.compression = sim::Compression::xz;
  else if (compress == "gz")
    c.compression = sim::Compression::gz;
  else if (compress == "none")
    c.compression = sim::Compression::none;
  else
    inv.fail("compress", "expected xz, gz or none, got \"" + compress + "\"");
  for (const auto& k : double_keys())
    k.ref(c) = inv.get<double>(k.name);
  for (const auto& k : size_keys())
    k.ref(c) = inv.get<Size>(k.name);
  for (const auto& k : int_keys())
    k.ref(c) = inv.get<int>(k.name);
  for (const auto& k : string_keys())
    k.ref(c) = inv.get<std::string>(k.name);
  c.injection.sources = split_names(inv.get<std::string>("inject.sources"));
  c.followup.enabled = inv.get<bool>("followup.enabled");
  return c;
}

} // namespace

void add_simulate_options(po::options_description& desc) {
  SkyConfig d; // defaults
  desc.add_options()("output", po::value<std::string>()->required(),
                     "output folder (written atomically)")("seed", seed_value(d.seed),
                                                           "master seed")(
      "overwrite", po::value<bool>()->default_value(false)->implicit_value(true),
      "write into an existing output folder: one written by nuflare simulate is replaced whole, "
      "in any other only this sky's files are replaced")(
      "compress", po::value<std::string>()->default_value("xz"),
      "compression of events and light curves: xz, gz or none")(
      "inject.sources", po::value<std::string>()->default_value(""),
      "neutrino sources by name, comma separated")("followup.enabled",
                                                   po::value<bool>()->default_value(true),
                                                   "write the ZTF-like follow-up table");
  for (const auto& k : int_keys())
    desc.add_options()(k.name,
                       integer<int>(static_cast<int>(k.range.lo), static_cast<int>(k.range.hi))
                           ->default_value(k.ref(d)),
                       k.help);
  for (const auto& k : size_keys())
    desc.add_options()(k.name,
                       integer<Size>(static_cast<Size>(k.range.lo), static_cast<Size>(k.range.hi))
                           ->default_value(k.ref(d)),
                       k.help);
  for (const auto& k : double_keys())
    desc.add_options()(k.name, real(k.range)->default_value(k.ref(d)), k.help);
  for (const auto& k : string_keys())
    desc.add_options()(k.name, po::value<std::string>()->default_value(k.ref(d)), k.help);
}

int run_simulate(Invocation& inv) {
  // Every rank validates (so bad keys fail on all ranks together); rank 0
  // simulates and writes, then tells the others how it went.
  const SkyConfig config = config_from(inv);
  sim::validate(config);
  const std::filesystem::path output = inv.get<std::string>("output");
  refuse_guarded_folder(inv, output);
  const io::OutputLock lock(output, inv.comm); // one simulate per folder at a time
  std::string summary;
  campaign::run_on_root(inv.comm, [&] {
    const auto sky = sim::simulate_sky(config);
    std::string provenance =
        "# nuflare simulate: the resolved configuration of this sky\n[simulate]\n";
    for (const auto& [key, value] : inv.resolved())
      if (key != "output" && key != "overwrite")
        provenance += key + " = " + value + "\n";
    const auto written = sim::write_sky(sky, output, inv.get<bool>("overwrite"), provenance);
    if (written == sim::SkyWrite::updated)
      std::cerr << "nuflare simulate: note: " << output.string()
                << " was not written by nuflare simulate (no " << sim::SKY_MARKER
                << "): replaced only this sky's files, left everything else as it was\n";
    std::size_t n_events = 0;
    for (const auto& s : sky.seasons)
      n_events += s.events.size();
    std::ostringstream out;
    out << "file,rows\n";
    const auto files = sim::output_files(sky);
    std::size_t k = 0;
    for (const auto& s : sky.seasons) {
      out << files[k++] << ',' << s.events.size() << '\n';
      out << files[k++] << ',' << s.runs.start_mjd.size() << '\n';
      out << files[k++] << ',' << s.area.area_cm2.size() << '\n';
    }
    std::size_t n_points = 0;
    for (const auto& lc : sky.lightcurves)
      n_points += lc.size();
    out << files[k++] << ',' << sky.alerts.size() << '\n';
    out << files[k++] << ',' << sky.catalog.size() << '\n';
    out << files[k++] << ',' << n_points << '\n';
    if (config.followup.enabled)
      out << files[k++] << ',' << sky.followup.size() << '\n';
    out << files[k++] << ',' << sky.flares.size() << '\n';
    out << files[k++] << ',' << sky.neutrino_sources.size() << '\n';
    out << files[k++] << ',' << sky.alert_flares.size() << '\n';
    summary = out.str();
  });
  if (inv.prints())
    std::cout << summary;
  return 0;
}

} // namespace nuflare::app
