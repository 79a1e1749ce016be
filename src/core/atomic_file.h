// Files written by ML-GLASS (models, checkpoints, metrics, reports, CSV and JSON outputs) are
// complete or absent: written under path.tmp, then renamed over path. Every write is checked: a
// failed write (a full disk, a file size limit, an I/O error) or any exception from the writer
// (a LibTorch c10::Error included) removes the temporary file, leaves an earlier file at path as
// it was, and throws FileWriteError "cannot write PATH: CAUSE", CAUSE being strerror of the
// failing system call ("No space left on device") or the first line of the exception's text.
//
// LibTorch's file writers (torch::save, Module::save to a file name) must not be pointed at a
// file directly: when a write fails inside them, their zip writer throws again from its destructor
// and the process aborts ("terminate called after throwing c10::Error"). Serialize to memory
// (std::ostringstream) and hand the bytes to write_atomically instead.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ostream>
#include <stdexcept>
#include <streambuf>
#include <string>

namespace mlglass {

struct FileWriteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace detail {

// An output buffer on a file descriptor that remembers the errno of the first failed write.
class CheckedFileBuf : public std::streambuf {
 public:
  explicit CheckedFileBuf(int fd) : fd_(fd) { setp(buf_, buf_ + sizeof buf_); }
  CheckedFileBuf(const CheckedFileBuf &) = delete;
  CheckedFileBuf &operator=(const CheckedFileBuf &) = delete;
  int error() const { return error_; }
  // Writes out the buffer; false (error() set) on failure.
  bool drain() {
    const char *p = pbase();
    while (p < pptr() && error_ == 0) {
      const ssize_t n = ::write(fd_, p, std::size_t(pptr() - p));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        error_ = n < 0 ? errno : EIO;
      else
        p += n;
    }
    setp(buf_, buf_ + sizeof buf_);
    return error_ == 0;
  }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  int fd_;
  int error_ = 0;
  char buf_[1 << 16];
};

// The first line of an exception's text (LibTorch appends a C++ stack trace to its messages).
inline std::string first_line(const char *what) {
  std::string s = what ? what : "";
  if (const auto nl = s.find('\n'); nl != std::string::npos) s.erase(nl);
  return s;
}

// Creates (truncates) `tmp`, calls write(std::ostream &), flushes, syncs and closes it. Throws
// FileWriteError naming `shown` on any failure; leaves `tmp` for the caller to remove.
template <class Write>
void write_checked(const std::string &tmp, const std::string &shown, Write &write) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) throw FileWriteError("cannot write " + shown + ": " + std::strerror(errno));
  CheckedFileBuf buf(fd);
  std::ostream out(&buf);
  std::string failure;
  try {
    write(out);
  } catch (const std::exception &e) {
    failure = first_line(e.what());
  } catch (...) {
    failure = "unknown error";
  }
  if (failure.empty()) {
    buf.drain();
    if (buf.error() == 0 && ::fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
      failure = std::strerror(errno);
  }
  // a write error explains everything after it (a writer that saw its stream fail and threw)
  if (buf.error() != 0) failure = std::strerror(buf.error());
  if (::close(fd) != 0 && failure.empty()) failure = std::strerror(errno);
  if (failure.empty() && !out) failure = "the output stream failed";
  if (!failure.empty()) throw FileWriteError("cannot write " + shown + ": " + failure);
}

}  // namespace detail

// Write: void(std::ostream &), the file's contents. The stream writes through a checked buffer:
// the writer need not test it.
template <class Write>
void write_atomically(const std::string &path, Write write) {
  const std::string tmp = path + ".tmp";
  try {
    detail::write_checked(tmp, path, write);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    throw FileWriteError("cannot write " + path + ": cannot rename " + tmp +
                         " to it: " + std::strerror(err));
  }
}

// The bytes of `data`, e.g. a model serialized into a std::ostringstream.
inline void write_bytes_atomically(const std::string &path, const std::string &data) {
  write_atomically(
      path, [&](std::ostream &out) { out.write(data.data(), std::streamsize(data.size())); });
}

// Writes `path` itself (no temporary file and rename: for a caller that renames it later, like
// mlglass tg's pending JSON or export's checked copy). Checked like write_atomically, the message
// naming `shown` (default: path); the caller removes the file on failure.
template <class Write>
void write_file_checked(const std::string &path, Write write, const std::string &shown = "") {
  detail::write_checked(path, shown.empty() ? path : shown, write);
}

}  // namespace mlglass
