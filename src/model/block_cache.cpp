#include "block_cache.h"

#include <c10/core/CPUAllocator.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

namespace mlglass {

namespace {

// Every block carries a header of one alignment unit in front of the pointer handed out: its
// capacity, so that the one deleter can tell a cached-size block from a small one.
constexpr std::size_t kAlign = 64;  // c10::gAlignment
constexpr std::size_t kHeader = kAlign;

class BlockCache final : public c10::Allocator {
 public:
  c10::DataPtr allocate(std::size_t n) const override {
    if (n == 0) return {nullptr, nullptr, &release, c10::Device(c10::DeviceType::CPU)};
    char *user = n < kMinCachedBytes ? fresh(n) : self().take(block_size_class(n));
    return {user, user, &release, c10::Device(c10::DeviceType::CPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &release; }

  static BlockCache &self() {
    static BlockCache *cache = new BlockCache;  // never destroyed: tensors may outlive main()
    return *cache;
  }

  BlockCacheStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    BlockCacheStats s = stats_;
    s.installed = c10::GetCPUAllocator() == this;
    return s;
  }

  void release_free() {
    std::multimap<std::size_t, char *> blocks;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      blocks.swap(free_);
      stats_.free_bytes = 0;
    }
    for (auto &b : blocks) std::free(b.second - kHeader);
  }

  std::size_t limit() {
    std::lock_guard<std::mutex> lock(mutex_);
    return limit_;
  }
  void set_limit(std::size_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      limit_ = bytes;
      if (stats_.free_bytes <= limit_) return;
    }
    release_free();
  }

 private:
  static std::size_t &capacity_of(char *user) {
    return *reinterpret_cast<std::size_t *>(user - kHeader);
  }

  static char *fresh(std::size_t capacity) {
    void *p = nullptr;
    if (posix_memalign(&p, kAlign, kHeader + capacity) != 0)
      throw std::runtime_error("out of memory: cannot allocate " + std::to_string(capacity) +
                               " bytes for a LibTorch tensor (ML-GLASS block cache)");
    char *user = static_cast<char *>(p) + kHeader;
    capacity_of(user) = capacity;
    return user;
  }

  char *take(std::size_t capacity) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      // the smallest free block that fits, if it is not more than ~2 size classes larger
      auto it = free_.lower_bound(capacity);
      if (it != free_.end() && it->first <= capacity + capacity / 4) {
        char *user = it->second;
        stats_.free_bytes -= it->first;
        stats_.in_use_bytes += it->first;
        ++stats_.hits;
        free_.erase(it);
        return user;
      }
      ++stats_.misses;
      stats_.in_use_bytes += capacity;
    }
    try {
      return fresh(capacity);
    } catch (const std::runtime_error &) {
      // out of memory: give the free list back and try once more
      release_free();
      return fresh(capacity);
    }
  }

  void give_back(char *user) {
    const std::size_t capacity = capacity_of(user);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stats_.in_use_bytes -= capacity;
      if (stats_.free_bytes + capacity <= limit_) {
        free_.emplace(capacity, user);
        stats_.free_bytes += capacity;
        return;
      }
      ++stats_.dropped;
    }
    std::free(user - kHeader);
  }

  static void release(void *p) {
    if (!p) return;
    char *user = static_cast<char *>(p);
    if (capacity_of(user) < kMinCachedBytes)
      std::free(user - kHeader);
    else
      self().give_back(user);
  }

  std::mutex mutex_;
  std::multimap<std::size_t, char *> free_;  // capacity -> block
  BlockCacheStats stats_;
  std::size_t limit_ = std::size_t(2) << 30;
};

}  // namespace

std::size_t block_size_class(std::size_t n) {
  if (n < kMinCachedBytes) return n;
  std::size_t power = kMinCachedBytes;  // the largest power of two <= n (kMinCachedBytes is one)
  while (power <= n / 2) power *= 2;
  const std::size_t step = power / 8;
  return (n + step - 1) / step * step;
}

bool use_block_cache() {
  static const bool installed = [] {
    const char *env = std::getenv("MLGLASS_BLOCK_CACHE");
    if (env && std::strcmp(env, "0") == 0) return false;
    c10::SetCPUAllocator(&BlockCache::self(), /*priority=*/1);
    return c10::GetCPUAllocator() == &BlockCache::self();
  }();
  return installed;
}

BlockCacheStats block_cache_stats() { return BlockCache::self().stats(); }

void release_cached_blocks() { BlockCache::self().release_free(); }

std::size_t max_cached_bytes() { return BlockCache::self().limit(); }

void set_max_cached_bytes(std::size_t bytes) { BlockCache::self().set_limit(bytes); }

}  // namespace mlglass
