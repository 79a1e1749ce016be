// The block cache (LibTorch's CPU allocator while ML-GLASS runs models): reuse, size classes,
// its limit, tensors that outlive release(), threads, and that a model run on reused (dirty)
// blocks gives bit-identical results. Its own executable: installing it is process-wide.
#include <ATen/Parallel.h>
#include <c10/core/CPUAllocator.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "block_cache.h"
#include "dmpnn.h"
#include "window_graph.h"

namespace mlglass {
namespace {

bool disabled_by_environment() {
  const char *env = std::getenv("MLGLASS_BLOCK_CACHE");
  return env && std::strcmp(env, "0") == 0;
}

class BlockCache : public ::testing::Test {
 protected:
  void SetUp() override {
    if (disabled_by_environment()) GTEST_SKIP() << "MLGLASS_BLOCK_CACHE=0";
    ASSERT_TRUE(use_block_cache());
    release_cached_blocks();
  }
};

torch::Tensor floats(std::int64_t n) { return torch::empty({n}, torch::kFloat); }

TEST(BlockCacheInstall, FollowsTheEnvironment) {
  const bool installed = use_block_cache();
  EXPECT_EQ(installed, !disabled_by_environment());
  EXPECT_EQ(block_cache_stats().installed, installed);
  EXPECT_EQ(c10::GetCPUAllocator() != c10::GetDefaultCPUAllocator(), installed);
  EXPECT_EQ(use_block_cache(), installed);  // a second call changes nothing
}

TEST(BlockCacheClasses, EightClassesPerPowerOfTwo) {
  EXPECT_EQ(block_size_class(100), 100u);
  EXPECT_EQ(block_size_class(kMinCachedBytes - 1), kMinCachedBytes - 1);
  EXPECT_EQ(block_size_class(kMinCachedBytes), kMinCachedBytes);
  EXPECT_EQ(block_size_class(kMinCachedBytes + 1), kMinCachedBytes + kMinCachedBytes / 8);
  const std::size_t mb = 1 << 20;
  EXPECT_EQ(block_size_class(27 * mb), 28 * mb);  // 16 MiB .. 32 MiB in steps of 2 MiB
  std::size_t prev = 0;
  for (std::size_t n = kMinCachedBytes; n < (std::size_t(1) << 34); n = n * 9 / 8 + 12345) {
    const std::size_t c = block_size_class(n);
    EXPECT_GE(c, n);
    EXPECT_LE(c, n + n / 8);
    EXPECT_GE(c, prev);
    prev = c;
  }
}

TEST_F(BlockCache, AFreedBlockServesTheNextRequestOfItsClass) {
  void *first = nullptr;
  {
    auto t = floats(3'000'000);  // 12 MB
    first = t.data_ptr();
  }
  const auto before = block_cache_stats();
  EXPECT_GE(before.free_bytes, std::size_t(12'000'000));
  auto again = floats(2'900'000);  // a little smaller: same class
  EXPECT_EQ(again.data_ptr(), first);
  const auto after = block_cache_stats();
  EXPECT_EQ(after.hits, before.hits + 1);
  EXPECT_EQ(after.misses, before.misses);
  EXPECT_EQ(after.free_bytes, 0u);
}

TEST_F(BlockCache, AMuchSmallerRequestDoesNotTakeABigBlock) {
  { auto big = floats(4'000'000); }  // 16 MB back on the free list
  const auto before = block_cache_stats();
  auto small = floats(250'000);  // 1 MB
  const auto after = block_cache_stats();
  EXPECT_EQ(after.misses, before.misses + 1);
  EXPECT_EQ(after.hits, before.hits);
  EXPECT_EQ(after.free_bytes, before.free_bytes);
}

TEST_F(BlockCache, SmallTensorsBypassItAndEveryBlockIsAligned) {
  const auto before = block_cache_stats();
  for (std::int64_t n : {1, 7, 1000, 30000}) {
    auto t = floats(n);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(t.data_ptr()) % 64, 0u) << n;
  }
  const auto after = block_cache_stats();
  EXPECT_EQ(after.hits + after.misses, before.hits + before.misses);
  for (std::int64_t n : {40'000, 1'000'000, 5'000'001}) {
    auto t = floats(n);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(t.data_ptr()) % 64, 0u) << n;
  }
  EXPECT_EQ(block_cache_stats().misses, after.misses + 3);
  auto empty = floats(0);
  EXPECT_EQ(empty.numel(), 0);
}

TEST_F(BlockCache, ItsLimitGivesBlocksBack) {
  const std::size_t limit = max_cached_bytes();
  set_max_cached_bytes(8 << 20);
  const auto before = block_cache_stats();
  { auto t = floats(4'000'000); }  // 16 MB > 8 MiB: given back at once
  { auto t = floats(1'000'000); }  // 4 MB: kept
  const auto after = block_cache_stats();
  EXPECT_EQ(after.dropped, before.dropped + 1);
  EXPECT_LE(after.free_bytes, std::size_t(8 << 20));
  EXPECT_GE(after.free_bytes, std::size_t(4'000'000));
  set_max_cached_bytes(1 << 20);  // lowering the limit below what is held empties the list
  EXPECT_EQ(block_cache_stats().free_bytes, 0u);
  set_max_cached_bytes(limit);
}

TEST_F(BlockCache, TensorsInUseSurviveARelease) {
  auto kept = torch::full({2'000'000}, 3.0f);
  { auto freed = floats(2'000'000); }
  EXPECT_GT(block_cache_stats().free_bytes, 0u);
  release_cached_blocks();
  EXPECT_EQ(block_cache_stats().free_bytes, 0u);
  EXPECT_EQ(kept.sum().item<double>(), 6e6);
  const std::size_t in_use = block_cache_stats().in_use_bytes;
  kept = torch::Tensor();  // back to the free list, not lost
  EXPECT_LT(block_cache_stats().in_use_bytes, in_use);
  EXPECT_GE(block_cache_stats().free_bytes, std::size_t(8'000'000));
}

TEST_F(BlockCache, ThreadsShareItSafely) {
  const std::size_t in_use = block_cache_stats().in_use_bytes;
  std::vector<std::thread> threads;
  std::vector<int> bad(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &bad] {
      std::mt19937 rng(t);
      std::uniform_int_distribution<std::int64_t> size(40'000, 2'000'000);
      for (int i = 0; i < 200; ++i) {
        auto a = torch::full({size(rng)}, float(t + i));
        auto b = torch::full({size(rng)}, float(-i));
        if (a[a.size(0) - 1].item<float>() != float(t + i) || b[0].item<float>() != float(-i))
          ++bad[t];
      }
    });
  }
  for (auto &th : threads) th.join();
  EXPECT_EQ(bad, std::vector<int>(4, 0));
  EXPECT_EQ(block_cache_stats().in_use_bytes, in_use);
  EXPECT_GT(block_cache_stats().hits, 0u);
}

// Reused blocks are not zeroed: a model that read memory it did not write would change its
// output from the first (fresh pages) to later calls.
TEST_F(BlockCache, AModelOnReusedBlocksGivesBitIdenticalResults) {
  at::set_num_threads(1);
  DmpnnConfig config;
  config.node_dim = node_feature_dim(NodeFeatures::type_onehot, 2, 2);
  config.edge_dim = 1;
  config.hidden = 64;
  config.depth = 3;
  torch::jit::Module model = make_dmpnn(config);
  model.eval();
  std::mt19937_64 rng(3);
  const double side = 30.0;
  const PeriodicBox box = PeriodicBox::square(side, 2);
  std::vector<double> x(3 * 1080);
  std::vector<int> type(1080);
  std::uniform_real_distribution<double> u(0.0, side);
  for (int i = 0; i < 1080; ++i) {
    x[3 * i] = u(rng);
    x[3 * i + 1] = u(rng);
    type[i] = i % 3 == 0 ? 2 : 1;
  }
  std::vector<Graph> graphs;
  for (int w = 0; w < 16; ++w) {
    const Window win = cut_window(box, x.data(), 1080, {u(rng), u(rng), 0.0}, 15.0);
    graphs.push_back(knn_graph(win, type.data(), nullptr, 2, 2, NodeFeatures::type_onehot));
  }
  std::vector<const Graph *> ptrs;
  for (const auto &g : graphs) ptrs.push_back(&g);
  const GraphBatch b = batch(ptrs);
  const auto input = BatchTensors::view(b);
  ASSERT_GT(b.n_edges * config.hidden * 4, std::int64_t(kMinCachedBytes));  // big enough to be cached
  c10::InferenceMode guard;
  const torch::Tensor first = run(model, input).clone();
  const auto before = block_cache_stats();
  for (int i = 0; i < 3; ++i) {
    // dirty the free blocks between calls
    { auto junk = torch::full({b.n_edges * config.hidden}, std::nanf("")); }
    EXPECT_TRUE(torch::equal(run(model, input), first)) << "call " << i;
  }
  EXPECT_GT(block_cache_stats().hits, before.hits);
}

}  // namespace
}  // namespace mlglass
