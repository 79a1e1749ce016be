// GoogleTest fixture owning an in-process LAMMPS instance on MPI_COMM_WORLD with the ML-GLASS
// plugin loaded (after LAMMPS' unittest/testing/core.h). Runs under mpirun with any rank count:
// every rank executes the same commands, and LAMMPS errors arrive as exceptions on all ranks.
#pragma once

#include "exceptions.h"
#include "input.h"
#include "lammps.h"
#include "library.h"

#include "periodic_box.h"

#include <gtest/gtest.h>
#include <mpi.h>

#include <unistd.h>

#include <string>
#include <vector>

#ifndef MLGLASS_PLUGIN_PATH
#error "MLGLASS_PLUGIN_PATH must name the built mlglassplugin.so (empty: ML-GLASS is built into LAMMPS)"
#endif

class LammpsTest : public ::testing::Test {
 protected:
  LAMMPS_NS::LAMMPS *lmp = nullptr;

  void SetUp() override { open(); }
  void TearDown() override { close(); }

  // extra: more command-line arguments, e.g. {"-k", "on", "-sf", "kk"}
  void open(MPI_Comm comm = MPI_COMM_WORLD, const std::vector<std::string> &extra = {}) {
    lmp = make_lammps(comm, extra);
  }

  static LAMMPS_NS::LAMMPS *make_lammps(MPI_Comm comm, const std::vector<std::string> &extra = {}) {
    std::vector<std::string> args = {"mlglass-test", "-log", "none", "-echo", "none",
                                     "-screen", "none", "-nocite"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char *> argv;
    for (auto &a : args) argv.push_back(&a[0]);
    auto *l = new LAMMPS_NS::LAMMPS(int(argv.size()), argv.data(), comm);
    // empty: LAMMPS has ML-GLASS built in (in-tree package), no plugin to load
    if (MLGLASS_PLUGIN_PATH[0] != '\0') l->input->one(std::string("plugin load ") + MLGLASS_PLUGIN_PATH);
    return l;
  }

  // true if this LAMMPS was built with the KOKKOS package (`-k on` works)
  static bool has_kokkos() { return lammps_config_has_package("KOKKOS") != 0; }
  void close() {
    delete lmp;
    lmp = nullptr;
  }

  void command(const std::string &line) { lmp->input->one(line); }
  void commands(const std::vector<std::string> &lines) {
    for (const auto &l : lines) command(l);
  }

  // Runs `line` and returns the LAMMPS error message it raised ("" if none). what(), not the
  // member `message`, which newer LAMMPS makes protected.
  std::string error_of(const std::string &line) {
    try {
      command(line);
    } catch (LAMMPS_NS::LAMMPSException &e) {
      return e.what();
    }
    return "";
  }

  int nprocs() const {
    int n;
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
  }

  std::vector<double> compute_vector(const std::string &id, int n) {
    auto *v = static_cast<double *>(
        lammps_extract_compute(lmp, id.c_str(), LMP_STYLE_GLOBAL, LMP_TYPE_VECTOR));
    if (!v) return {};
    return std::vector<double>(v, v + n);
  }

  // Per-atom values ordered by atom ID, identical on every rank.
  std::vector<double> gather_peratom(const std::string &name, int count) {
    std::vector<double> out(size_t(natoms()) * count);
    lammps_gather(lmp, const_cast<char *>(name.c_str()), 1, count, out.data());
    return out;
  }
  std::vector<double> gather_x() {
    std::vector<double> out(size_t(natoms()) * 3);
    lammps_gather_atoms(lmp, const_cast<char *>("x"), 1, 3, out.data());
    return out;
  }
  std::vector<int> gather_type() {
    std::vector<int> out(natoms());
    lammps_gather_atoms(lmp, const_cast<char *>("type"), 0, 1, out.data());
    return out;
  }
  long natoms() { return long(lammps_get_natoms(lmp)); }

  // The simulation box as the core library describes it.
  mlglass::PeriodicBox box() {
    mlglass::PeriodicBox b;
    b.dim = lammps_extract_setting(lmp, "dimension");
    double lo[3], hi[3], xy, yz, xz;
    int pflags[3], changed;
    lammps_extract_box(lmp, lo, hi, &xy, &yz, &xz, pflags, &changed);
    for (int a = 0; a < 3; ++a) {
      b.lo[a] = lo[a];
      b.length[a] = hi[a] - lo[a];
      b.periodic[a] = pflags[a];
    }
    return b;
  }

  // A name for a scratch file, unique per test process group (same on every rank).
  static std::string scratch_file(const std::string &stem) {
    long pid = 0;
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0) pid = long(getpid());
    MPI_Bcast(&pid, 1, MPI_LONG, 0, MPI_COMM_WORLD);
    return "/tmp/mlglass-test-" + std::to_string(pid) + "-" + stem;
  }
};

// Expect `line` to fail with a LAMMPS error whose message contains `fragment`.
#define EXPECT_LAMMPS_ERROR(line, fragment)                                   \
  do {                                                                        \
    const std::string msg_ = error_of(line);                                  \
    EXPECT_NE(msg_.find(fragment), std::string::npos)                         \
        << "command: " << (line) << "\nerror was: '" << msg_ << "'";          \
  } while (0)
