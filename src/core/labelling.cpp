#include "labelling.h"

#include "tg.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace mlglass {

namespace {

std::string num(double v) {
  std::ostringstream os;
  os.precision(10);
  os << v;
  return os.str();
}

}  // namespace

void validate(const Ramp &r) {
  if (!std::isfinite(r.t0) || !std::isfinite(r.t1))
    throw std::invalid_argument("ramp temperatures must be finite numbers");
  if (r.steps <= 0)
    throw std::invalid_argument("ramp steps must be > 0, got " + std::to_string(r.steps));
}

double ramp_temperature(const Ramp &r, std::int64_t timestep) {
  validate(r);
  if (timestep <= 0) return r.t0;
  if (timestep >= r.steps) return r.t1;
  return r.t0 + (r.t1 - r.t0) * (double(timestep) / double(r.steps));
}

void check_ramp_reached(const Ramp &ramp, std::int64_t last_timestep, const std::string &dump,
                        bool allow_partial) {
  if (allow_partial || last_timestep >= ramp.steps) return;
  throw std::runtime_error(dump + ": the last frame is at timestep " + std::to_string(last_timestep) +
                           ", before the end of --ramp (" + std::to_string(ramp.steps) +
                           " steps): the run used a shorter ramp, or stopped early. Give the ramp "
                           "the run used, or --allow-partial-ramp for a run cut short");
}

TemperatureTable::TemperatureTable(const std::vector<std::pair<std::int64_t, double>> &rows) {
  rows_ = rows;
  std::stable_sort(rows_.begin(), rows_.end(),
                   [](const auto &a, const auto &b) { return a.first < b.first; });
  std::vector<std::pair<std::int64_t, double>> unique;
  for (const auto &row : rows_) {
    if (!std::isfinite(row.second))
      throw std::invalid_argument("timestep " + std::to_string(row.first) +
                                  ": temperature is not a finite number");
    if (!unique.empty() && unique.back().first == row.first) {
      if (unique.back().second != row.second)
        throw std::invalid_argument("timestep " + std::to_string(row.first) +
                                    " is listed twice with different temperatures (" +
                                    num(unique.back().second) + " and " + num(row.second) + ")");
      continue;
    }
    unique.push_back(row);
  }
  rows_ = std::move(unique);
}

TemperatureTable TemperatureTable::read(const std::string &path, int temp_col) {
  if (temp_col < 2)
    throw std::invalid_argument("temperature column must be >= 2 (column 1 is the timestep), got " +
                                std::to_string(temp_col));
  // read_column_rows has checked that both fields are finite numbers.
  auto rows = read_column_rows(path, 1, temp_col);
  const auto where = [&](long line) { return path + " line " + std::to_string(line) + ": "; };
  for (const ColumnRow &r : rows)
    if (r.a != std::floor(r.a) || std::abs(r.a) > 9.0e15)  // beyond 2^53 a double skips integers
      throw std::runtime_error(where(r.line) + "timestep " + num(r.a) +
                               " (column 1) is not an integer");
  if (rows.empty()) throw std::runtime_error(path + ": no data lines (only comments or blank lines)");
  // A timestep listed twice with different temperatures is named by its lines here; the table
  // would only see the values.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const ColumnRow &x, const ColumnRow &y) { return x.a < y.a; });
  std::vector<std::pair<std::int64_t, double>> table;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i > 0 && rows[i].a == rows[i - 1].a && rows[i].b != rows[i - 1].b) {
      const ColumnRow &first = rows[i - 1].line < rows[i].line ? rows[i - 1] : rows[i];
      const ColumnRow &second = rows[i - 1].line < rows[i].line ? rows[i] : rows[i - 1];
      throw std::runtime_error(where(second.line) + "timestep " + num(second.a) +
                               " is listed twice with different temperatures (" + num(first.b) +
                               " on line " + std::to_string(first.line) + ", " + num(second.b) +
                               " here)");
    }
    table.emplace_back(static_cast<std::int64_t>(rows[i].a), rows[i].b);
  }
  return TemperatureTable(table);
}

std::optional<double> TemperatureTable::lookup(std::int64_t timestep) const {
  auto it = std::lower_bound(rows_.begin(), rows_.end(), timestep,
                             [](const auto &row, std::int64_t s) { return row.first < s; });
  if (it == rows_.end() || it->first != timestep) return std::nullopt;
  return it->second;
}

std::int64_t TemperatureTable::first_timestep() const { return rows_.at(0).first; }
std::int64_t TemperatureTable::last_timestep() const { return rows_.at(rows_.size() - 1).first; }

void validate(const LabelRules &r) {
  if (!r.glass_max && !r.liquid && !r.liquid_tol)
    throw std::invalid_argument("no labelling rule: give --glass-max and/or --liquid with --liquid-tol");
  if (r.liquid.has_value() != r.liquid_tol.has_value())
    throw std::invalid_argument(r.liquid ? "--liquid needs --liquid-tol" : "--liquid-tol needs --liquid");
  if (r.glass_max && !std::isfinite(*r.glass_max))
    throw std::invalid_argument("--glass-max must be a finite number");
  if (r.liquid && !std::isfinite(*r.liquid))
    throw std::invalid_argument("--liquid must be a finite number");
  if (r.liquid_tol && !(std::isfinite(*r.liquid_tol) && *r.liquid_tol >= 0.0))
    throw std::invalid_argument("--liquid-tol must be a finite number >= 0");
  if (r.glass_max && r.liquid && *r.glass_max >= *r.liquid - *r.liquid_tol)
    throw std::invalid_argument("the rules overlap: --glass-max " + num(*r.glass_max) +
                                " is not below the liquid range [" + num(*r.liquid - *r.liquid_tol) +
                                ", " + num(*r.liquid + *r.liquid_tol) + "]");
}

std::optional<int> label_for(double t, const LabelRules &r) {
  if (!std::isfinite(t)) return std::nullopt;
  // The bounds are inclusive, with a rounding allowance: 2.0 - 1.7 is 0.30000000000000004 in
  // doubles, yet T = 1.7 is within --liquid 2.0 --liquid-tol 0.3.
  auto slack = [](double scale) { return 1e-12 * std::max(1.0, std::abs(scale)); };
  if (r.glass_max && t <= *r.glass_max + slack(*r.glass_max)) return 1;
  if (r.liquid && r.liquid_tol &&
      std::abs(t - *r.liquid) <= *r.liquid_tol + slack(std::abs(*r.liquid) + *r.liquid_tol))
    return 0;
  return std::nullopt;
}

GroupBy parse_group_by(const std::string &name) {
  if (name == "file") return GroupBy::file;
  if (name == "dir") return GroupBy::dir;
  if (name == "none") return GroupBy::none;
  throw std::invalid_argument("group-by must be file, dir or none, got '" + name + "'");
}

std::string group_of(const std::string &dump_path, GroupBy by) {
  namespace fs = std::filesystem;
  switch (by) {
    case GroupBy::none:
      return "";
    case GroupBy::file:
      return fs::path(dump_path).filename().string();
    case GroupBy::dir: {
      fs::path dir = fs::path(dump_path).parent_path();
      if (dir.empty()) dir = fs::current_path();
      dir = fs::absolute(dir).lexically_normal();
      std::string name = dir.filename().string();
      if (name.empty()) name = dir.parent_path().filename().string();  // "a/b/" -> b
      return name.empty() ? dir.string() : name;
    }
  }
  return "";
}

std::string manifest_file_name(const std::string &dump_path, const std::string &manifest_dir) {
  namespace fs = std::filesystem;
  const fs::path dump = fs::weakly_canonical(fs::absolute(dump_path));
  const fs::path base =
      fs::weakly_canonical(fs::absolute(manifest_dir.empty() ? fs::path(".") : fs::path(manifest_dir)));
  // Relative if the two share more than the root (/tmp/m.csv and /work/x.dump: absolute).
  const auto first = [](const fs::path &p) {
    const fs::path rel = p.relative_path();  // iterators point into it: keep it alive
    return rel.empty() ? fs::path() : *rel.begin();
  };
  const bool related = dump.root_path() == base.root_path() &&
                       (base.relative_path().empty() || first(dump) == first(base));
  const fs::path rel = related ? dump.lexically_relative(base) : fs::path();
  std::string out = rel.empty() ? dump.string() : rel.string();
  if (out.find_first_of(",\n\r") != std::string::npos)
    throw std::invalid_argument("'" + out +
                                "' contains a comma or a line break, which the CSV manifest cannot hold");
  return out;
}

}  // namespace mlglass
