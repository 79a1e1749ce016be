// Bytes and lines under the dump reader (byte_source.h): plain and gzip files (chosen by name or
// by magic bytes), CRLF and missing final newlines, lines across buffer refills, unreadable files,
// corrupt gzip data, and the line-length limit, through DumpReader and LineReader directly.
#include <gtest/gtest.h>
#include <zlib.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "byte_source.h"
#include "dump_reader.h"
#include "dump_test_util.h"

using namespace mlglass;
using namespace mlglass::testing;

namespace {

TEST_F(DumpReaderTest, CrlfBlankLinesAndNoFinalNewline) {
  std::string text = good_frame(0) + "\n\n" + good_frame(1);
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  crlf.resize(crlf.size() - 2);  // no newline after the last atom line
  const auto frames = read_all(write("crlf.dump", crlf));
  ASSERT_EQ(frames.size(), 2u);
  expect_xyz(frames[1], 2, 7, 8, 9);
}

TEST_F(DumpReaderTest, EmptyFileHasNoFrames) {
  EXPECT_TRUE(read_all(write("empty.dump", "")).empty());
  EXPECT_TRUE(read_all(write("blank.dump", "\n  \n")).empty());
}

TEST_F(DumpReaderTest, GzipByNameAndByMagic) {
  const std::string text = good_frame(0) + good_frame(10);
  for (const std::string name : {"traj.dump.gz", "traj_gz_without_suffix.dump"}) {
    const auto path = write_gz(name, text);
    DumpReader r(path);
    EXPECT_TRUE(r.compressed());
    Frame f;
    ASSERT_TRUE(r.next(f));
    ASSERT_TRUE(r.next(f));
    EXPECT_EQ(f.timestep, 10);
    expect_xyz(f, 2, 7, 8, 9);
    EXPECT_FALSE(r.next(f));
  }
  EXPECT_FALSE(DumpReader(write("plain.dump", text)).compressed());
}

TEST_F(DumpReaderTest, LargeGzipFrameAcrossBufferBoundaries) {
  // Longer than the reader's 1 MiB buffer and zlib's window: lines straddle every refill.
  const int n = 40000;
  std::string text = header(0, n, "id type x y z c_long");
  for (int i = n; i >= 1; --i)
    text += std::to_string(i) + " " + std::to_string(1 + i % 2) + " " + std::to_string(i * 0.25) +
            " 1 2 0.123456789012345678\n";
  const auto f = read_all(write_gz("big.dump.gz", text)).at(0);
  ASSERT_EQ(f.natoms, n);
  EXPECT_EQ(f.id.front(), 1);
  EXPECT_EQ(f.id.back(), n);
  EXPECT_DOUBLE_EQ(f.x[3 * (n - 1)], n * 0.25);
  EXPECT_EQ(f.type[0], 2);
}

TEST_F(DumpReaderTest, ErrorMissingOrUnreadableFile) {
  const std::string missing = (dir_ / "no_such.dump").string();
  expect_error(missing, 0, "cannot open");
  expect_error(dir_.string(), 0, "cannot read");
}

TEST_F(DumpReaderTest, ErrorCorruptGzip) {
  std::string gz = read_bytes(write_gz("ok.dump.gz", good_frame(0) + good_frame(1)));
  // Flipped bytes in the deflate data.
  std::string bad = gz;
  for (std::size_t i = 12; i < bad.size() - 8; i += 7) bad[i] = char(bad[i] ^ 0x5a);
  const auto corrupt = write("corrupt.dump.gz", bad);
  try {
    DumpReader r(corrupt);
    Frame f;
    while (r.next(f)) {
    }
    ADD_FAILURE() << "no error";
  } catch (const DumpError &e) {
    EXPECT_EQ(std::string(e.what()).rfind(corrupt, 0), 0u) << e.what();
    EXPECT_GE(e.line(), 1);
  }
  // Cut short: the text ends cleanly at a line but the gzip stream does not.
  const auto truncated = write("truncated.dump.gz", gz.substr(0, gz.size() - 6));
  try {
    DumpReader r(truncated);
    Frame f;
    while (r.next(f)) {
    }
    ADD_FAILURE() << "no error";
  } catch (const DumpError &e) {
    EXPECT_EQ(std::string(e.what()).rfind(truncated, 0), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find("gzip"), std::string::npos) << e.what();
  }
  // Only the gzip magic bytes.
  expect_error(write("magic.dump", "\x1f\x8b"), 1, "gzip");
}

// A source that hands out a fixed text in small pieces, then fails if asked to.
class PiecesSource : public ByteSource {
 public:
  PiecesSource(std::string text, std::size_t piece, bool fail_at_end)
      : text_(std::move(text)), piece_(piece), fail_(fail_at_end) {}
  bool read(char *buf, std::size_t n, std::size_t &got, std::string &error) override {
    got = std::min({n, piece_, text_.size() - pos_});
    if (got == 0 && fail_) {
      error = "read error: Input/output error";
      return false;
    }
    std::copy(text_.begin() + pos_, text_.begin() + pos_ + got, buf);
    pos_ += got;
    return true;
  }

 private:
  std::string text_;
  std::size_t piece_, pos_ = 0;
  bool fail_;
};

std::vector<std::string> all_lines(LineReader &r, LineReader::Status &last, std::string &error) {
  std::vector<std::string> out;
  std::string_view line;
  while ((last = r.next(line, error)) == LineReader::Status::line) out.emplace_back(line);
  return out;
}

TEST(LineReader, LinesAcrossPiecesAndRefills) {
  const std::string text = "a b\r\n\nlonger line number three\nlast";
  for (std::size_t piece : {1u, 2u, 3u, 7u, 100u}) {
    // a 32-byte buffer (the limit) for a 38-byte text: lines straddle refills
    LineReader r(std::make_unique<PiecesSource>(text, piece, false), 32);
    LineReader::Status last;
    std::string error;
    const auto lines = all_lines(r, last, error);
    EXPECT_EQ(last, LineReader::Status::end);
    ASSERT_EQ(lines.size(), 4u) << "piece " << piece;
    EXPECT_EQ(lines[0], "a b");
    EXPECT_EQ(lines[1], "");
    EXPECT_EQ(lines[2], "longer line number three");
    EXPECT_EQ(lines[3], "last");
    EXPECT_EQ(r.number(), 4);
  }
}

TEST(LineReader, ErrorsAreReportedNotThrown) {
  LineReader::Status last;
  std::string error;
  LineReader failing(std::make_unique<PiecesSource>("one\ntwo", 3, true));
  EXPECT_EQ(all_lines(failing, last, error).size(), 1u);  // "two" never ends: the read fails
  EXPECT_EQ(last, LineReader::Status::error);
  EXPECT_EQ(error, "read error: Input/output error");
  EXPECT_EQ(failing.number(), 1);

  // A line that does not fit the limit (binary data without newlines) is an error, not an
  // ever-growing buffer.
  LineReader limited(std::make_unique<PiecesSource>("short\n" + std::string(5000, 'x'), 64, false),
                     std::size_t(1) << 20);
  EXPECT_EQ(all_lines(limited, last, error).size(), 2u);  // within the limit: read
  LineReader tiny(std::make_unique<PiecesSource>("short\n" + std::string(5000, 'x'), 64, false), 1024);
  EXPECT_EQ(all_lines(tiny, last, error).size(), 1u);
  EXPECT_EQ(last, LineReader::Status::error);
  EXPECT_NE(error.find("line longer than"), std::string::npos) << error;
}

TEST(ByteSource, OpenNamesTheProblem) {
  bool gz = true;
  std::string error;
  EXPECT_EQ(open_byte_source("/nonexistent/x.dump", gz, error), nullptr);
  EXPECT_EQ(error, "cannot open: No such file or directory");
  EXPECT_FALSE(gz);
  EXPECT_EQ(open_byte_source("/", gz, error), nullptr);
  EXPECT_EQ(error.rfind("cannot read: ", 0), 0u) << error;
}

}  // namespace
