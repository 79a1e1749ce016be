#pragma once
// A CPU allocator for LibTorch that keeps freed large blocks for reuse.
//
// One D-MPNN forward pass on a batch of 32 windows allocates and frees a dozen tensors of
// 5-30 MB (the E x H edge states and their temporaries). glibc serves blocks of that size with
// mmap() and gives them back with munmap() on free -- or not, depending on its dynamic mmap
// threshold, which moves with the history of the heap. When it does, every pass pays a page fault
// per 4 KiB touched: 40 % of the time of an inference pass went to the kernel (perf, bench/README),
// and whether a process landed in that mode was luck (inference ran at 165-205 or 280-315 windows/s
// in otherwise identical processes).
//
// The cache makes the fast mode the only mode: blocks of at least kMinCachedBytes are rounded up
// to a size class (8 classes per power of two) and, when freed, kept on a free list instead of
// going back to the C library; the next request whose class is the block's or up to a quarter
// smaller (about two classes) takes them. Smaller blocks go straight to posix_memalign/free. It replaces the process' LibTorch
// CPU allocator (c10::SetCPUAllocator): it only changes where LibTorch tensors' memory comes from,
// not LAMMPS' own allocations or the C library's settings. Tensors allocated before it was
// installed keep their own deleters.
//
// Memory held: at most max_cached_bytes() of free blocks (default 2 GiB; in practice the peak
// working set of one batch: 97-104 MB for 32 windows of the shipped model);
// release_cached_blocks() gives the free ones back. Setting the environment variable
// MLGLASS_BLOCK_CACHE=0 before the first use_block_cache() leaves LibTorch's allocator alone.
#include <cstddef>

namespace mlglass {

constexpr std::size_t kMinCachedBytes = 128 * 1024;  // glibc's initial mmap threshold

struct BlockCacheStats {
  bool installed = false;
  std::size_t hits = 0;          // requests served from the free list
  std::size_t misses = 0;        // cached-size requests that allocated a new block
  std::size_t free_bytes = 0;    // held on the free list now
  std::size_t in_use_bytes = 0;  // cached-size blocks handed out and not yet freed
  std::size_t dropped = 0;       // freed blocks given back because the free list was full
};

// Installs the cache as LibTorch's CPU allocator (once per process; later calls do nothing).
// Returns whether it is installed: false when MLGLASS_BLOCK_CACHE=0.
bool use_block_cache();

BlockCacheStats block_cache_stats();

// Frees every block on the free list (blocks in use are kept when they come back).
void release_cached_blocks();

// The free list's limit in bytes; a freed block that would exceed it is given back at once.
std::size_t max_cached_bytes();
void set_max_cached_bytes(std::size_t bytes);

// The capacity a request of n bytes is rounded up to (n itself below kMinCachedBytes).
std::size_t block_size_class(std::size_t n);

}  // namespace mlglass
