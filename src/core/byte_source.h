// Bytes and lines of an input file, plain or gzip-compressed: what DumpReader reads frames from.
// No parsing here; errors are returned as text for the reader to place (file, line, frame).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mlglass {

// Raw bytes of a file. read() fills up to n bytes (got = 0 at the end of the data); false with
// `error` set on failure ("read error: ...", "corrupt or truncated gzip data (zlib: ...)").
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual bool read(char *buf, std::size_t n, std::size_t &got, std::string &error) = 0;
};

// Opens `path`: through zlib if the name ends in .gz or the file starts with the gzip magic bytes
// 1f 8b, else as plain bytes. Returns null with `error` set ("cannot open: No such file or
// directory", "cannot read: Is a directory") if the file cannot be opened or read.
std::unique_ptr<ByteSource> open_byte_source(const std::string &path, bool &compressed,
                                             std::string &error);

// Lines of a ByteSource, '\n'-terminated (a final line may lack it; a '\r' before the '\n' is
// dropped). A line longer than max_line bytes is an error: binary data without newlines must not
// exhaust memory.
class LineReader {
 public:
  enum class Status { line, end, error };
  static constexpr std::size_t kDefaultMaxLine = std::size_t(1) << 26;  // 64 MiB

  explicit LineReader(std::unique_ptr<ByteSource> source,
                      std::size_t max_line = kDefaultMaxLine);

  // The next line (valid until the next call), the end of the data, or an error with `error` set;
  // the error concerns line number() + 1.
  Status next(std::string_view &line, std::string &error);
  std::int64_t number() const { return number_; }  // 1-based number of the last line returned

 private:
  std::unique_ptr<ByteSource> src_;
  std::size_t max_line_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
  std::int64_t number_ = 0;
};

}  // namespace mlglass
