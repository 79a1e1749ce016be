// GoogleTest main for tests that run under mpirun: only rank 0 prints, and the exit code is the
// worst over all ranks so a failure on any rank fails the test.
#include "library.h"

#include <gtest/gtest.h>
#include <mpi.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank != 0) {
    auto &listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  int rc = RUN_ALL_TESTS();
  int worst = rc;
  MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  lammps_kokkos_finalize();    // Kokkos (-k on tests) outlives the LAMMPS instances; no-op without
  MPI_Finalize();
  return worst;
}
