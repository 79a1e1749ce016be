#include "byte_source.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace mlglass {

namespace {

constexpr std::size_t kBufferSize = std::size_t(1) << 20;

bool ends_with(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class PlainSource : public ByteSource {
 public:
  explicit PlainSource(std::FILE *f) : f_(f) {}
  ~PlainSource() override { std::fclose(f_); }
  bool read(char *buf, std::size_t n, std::size_t &got, std::string &error) override {
    errno = 0;
    got = std::fread(buf, 1, n, f_);
    if (got < n && std::ferror(f_)) {
      error = std::string("read error: ") + (errno ? std::strerror(errno) : "unknown");
      return false;
    }
    return true;
  }

 private:
  std::FILE *f_;
};

class GzSource : public ByteSource {
 public:
  GzSource(gzFile gz, const std::string &path) : gz_(gz), path_(path) {}
  ~GzSource() override { gzclose(gz_); }
  bool read(char *buf, std::size_t n, std::size_t &got, std::string &error) override {
    got = 0;
    const int r = gzread(gz_, buf, static_cast<unsigned>(n));
    int err = Z_OK;
    const char *msg = gzerror(gz_, &err);
    // A truncated stream returns its data first and reports Z_BUF_ERROR with the final 0.
    if (r < 0 || (r == 0 && err != Z_OK)) {
      std::string why = msg ? msg : "?";
      if (why.compare(0, path_.size() + 2, path_ + ": ") == 0) why.erase(0, path_.size() + 2);
      error = "corrupt or truncated gzip data (zlib: " + why + ")";
      return false;
    }
    got = static_cast<std::size_t>(r);
    return true;
  }

 private:
  gzFile gz_;
  std::string path_;  // zlib puts it in front of its messages; ours already start with it
};

}  // namespace

std::unique_ptr<ByteSource> open_byte_source(const std::string &path, bool &compressed,
                                             std::string &error) {
  compressed = false;
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    error = std::string("cannot open: ") + std::strerror(errno);
    return nullptr;
  }
  unsigned char magic[2] = {0, 0};
  errno = 0;
  const std::size_t m = std::fread(magic, 1, 2, f);
  if (m < 2 && std::ferror(f)) {  // e.g. a directory
    error = std::string("cannot read: ") + (errno ? std::strerror(errno) : "read error");
    std::fclose(f);
    return nullptr;
  }
  compressed = ends_with(path, ".gz") || (m == 2 && magic[0] == 0x1f && magic[1] == 0x8b);
  if (!compressed) {
    std::rewind(f);
    return std::make_unique<PlainSource>(f);
  }
  std::fclose(f);
  gzFile g = gzopen(path.c_str(), "rb");
  if (!g) {
    error = std::string("cannot open: ") + std::strerror(errno);
    return nullptr;
  }
  gzbuffer(g, 1u << 17);
  return std::make_unique<GzSource>(g, path);
}

LineReader::LineReader(std::unique_ptr<ByteSource> source, std::size_t max_line)
    : src_(std::move(source)), max_line_(max_line), buf_(std::min(kBufferSize, max_line_)) {}

LineReader::Status LineReader::next(std::string_view &line, std::string &error) {
  for (;;) {
    const char *base = buf_.data();
    const void *nl = std::memchr(base + pos_, '\n', end_ - pos_);
    if (nl || (eof_ && pos_ < end_)) {
      const std::size_t stop = nl ? std::size_t(static_cast<const char *>(nl) - base) : end_;
      line = std::string_view(base + pos_, stop - pos_);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      pos_ = nl ? stop + 1 : end_;
      ++number_;
      return Status::line;
    }
    if (eof_) return Status::end;
    if (pos_ > 0) {  // keep the partial line, refill behind it
      std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
    }
    if (end_ == buf_.size()) {
      if (buf_.size() >= max_line_) {
        error = "line longer than " + std::to_string(max_line_ >> 20) +
                " MiB (not a text dump?)";
        return Status::error;
      }
      buf_.resize(std::min(buf_.size() * 2, max_line_));
    }
    std::size_t got = 0;
    if (!src_->read(buf_.data() + end_, buf_.size() - end_, got, error)) return Status::error;
    if (got == 0) eof_ = true;
    end_ += got;
  }
}

}  // namespace mlglass
