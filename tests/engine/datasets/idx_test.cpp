// IDX reader: raw and gzip files, row limits, and the exact errors for
// truncated, corrupt and mislabelled files.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <random>

#include "engine/datasets/idx.hpp"
#include "engine/errors.hpp"
#include "tests/engine/datasets/dataset_files.hpp"

using namespace sweep::engine;
using sweep::engine::test::TempFolder;
namespace t = sweep::engine::test;

TEST_CASE("idx images and labels read alike from raw and gzip files", "[datasets][idx]") {
  TempFolder folder;
  const auto images = t::idx_images(5, 3, 4);
  const auto labels = t::idx_labels(5, 3);
  t::write_raw(folder.file("images"), images);
  t::write_gz(folder.file("images.gz"), images);
  t::write_raw(folder.file("labels"), labels);
  t::write_gz(folder.file("labels.gz"), labels);

  for (const std::string name : {"images", "images.gz"}) {
    const IdxImages read = read_idx_images(folder.file(name));
    CHECK(read.rows == 5);
    CHECK(read.height == 3);
    CHECK(read.width == 4);
    REQUIRE(read.pixels.size() == 60);
    CHECK(std::equal(read.pixels.begin(), read.pixels.end(), images.begin() + 16));
  }
  for (const std::string name : {"labels", "labels.gz"}) {
    CHECK(read_idx_labels(folder.file(name)) == std::vector<std::uint8_t>{0, 1, 2, 0, 1});
  }
}

TEST_CASE("idx reading stops at the row limit", "[datasets][idx]") {
  TempFolder folder;
  const auto images = t::idx_images(5, 3, 4);
  t::write_gz(folder.file("images.gz"), images);
  t::write_raw(folder.file("labels"), t::idx_labels(5, 3));

  const IdxImages two = read_idx_images(folder.file("images.gz"), 2);
  CHECK(two.rows == 2);
  CHECK(two.pixels.size() == 24);
  CHECK(two.pixels.capacity() == 24);
  CHECK(std::equal(two.pixels.begin(), two.pixels.end(), images.begin() + 16));
  CHECK(read_idx_images(folder.file("images.gz"), 50).rows == 5);
  CHECK(read_idx_labels(folder.file("labels"), 3) == std::vector<std::uint8_t>{0, 1, 2});

  // A limit below the truncation point reads what it needs and succeeds.
  auto cut = images;
  cut.resize(40);
  t::write_raw(folder.file("cut"), cut);
  CHECK(read_idx_images(folder.file("cut"), 2).rows == 2);
}

TEST_CASE("IdxFile reads rows in parts and refuses rows beyond the declared count",
          "[datasets][idx]") {
  TempFolder folder;
  t::write_raw(folder.file("images"), t::idx_images(5, 3, 4));
  IdxFile file(folder.file("images"), IdxFile::Kind::images);
  CHECK(file.rows() == 5);
  CHECK(file.row_size() == 12);
  std::vector<std::uint8_t> first(36), rest(36);
  file.read_rows(first);
  CHECK(file.rows_read() == 3);
  CHECK(first[12] == 7);  // row 1, pixel 0
  CHECK_THROWS_WITH(file.read_rows(rest),
                    folder.file("images") + ": asked for rows up to 6 but the file declares 5");
}

TEST_CASE("a truncated idx file names the file and how far it got", "[datasets][idx]") {
  TempFolder folder;
  auto images = t::idx_images(5, 3, 4);  // 16 + 60 = 76 bytes
  images.resize(40);
  t::write_raw(folder.file("raw"), images);
  t::write_gz(folder.file("short.gz"), images);  // a complete gzip stream of too few bytes
  CHECK_THROWS_AS(read_idx_images(folder.file("raw")), DatasetError);
  CHECK_THROWS_WITH(read_idx_images(folder.file("raw")),
                    "cannot read " + folder.file("raw") + ": truncated after 40 of 76 bytes");
  CHECK_THROWS_WITH(read_idx_images(folder.file("short.gz")),
                    "cannot read " + folder.file("short.gz") + ": truncated after 40 of 76 bytes");

  images.resize(10);
  t::write_raw(folder.file("header"), images);
  CHECK_THROWS_WITH(
      read_idx_images(folder.file("header")),
      "cannot read " + folder.file("header") + ": truncated after 10 of 16 header bytes");

  auto labels = t::idx_labels(100, 10);
  labels.resize(58);
  t::write_gz(folder.file("labels.gz"), labels);
  CHECK_THROWS_WITH(
      read_idx_labels(folder.file("labels.gz")),
      "cannot read " + folder.file("labels.gz") + ": truncated after 58 of 108 bytes");
}

TEST_CASE("a gzip file cut short or corrupted is an error, not short data", "[datasets][idx]") {
  TempFolder folder;
  // Random pixels, so the compressed stream is about as long as the data.
  auto images = t::idx_images(50, 28, 28);
  std::mt19937_64 rng(7);
  for (std::size_t i = 16; i < images.size(); ++i) images[i] = static_cast<std::uint8_t>(rng());
  t::write_gz(folder.file("full.gz"), images);
  std::ifstream in(folder.file("full.gz"), std::ios::binary);
  std::vector<std::uint8_t> compressed((std::istreambuf_iterator<char>(in)), {});
  REQUIRE(compressed.size() > 20000);

  auto cut = compressed;
  cut.resize(compressed.size() / 2);
  t::write_raw(folder.file("cut.gz"), cut);
  const std::string prefix = "cannot read " + folder.file("cut.gz") + ": truncated after ";
  CHECK_THROWS_WITH(read_idx_images(folder.file("cut.gz")),
                    Catch::StartsWith(prefix) && Catch::EndsWith(" of 39216 bytes"));

  auto corrupt = compressed;
  corrupt[10] = 0xff;  // the first deflate block header: an invalid block type
  corrupt[11] = 0xff;
  t::write_raw(folder.file("corrupt.gz"), corrupt);
  CHECK_THROWS_WITH(
      read_idx_images(folder.file("corrupt.gz")),
      Catch::StartsWith("cannot read " + folder.file("corrupt.gz") + ": corrupt gzip data ("));
}

TEST_CASE("a bad magic number names the file, the value and what was expected", "[datasets][idx]") {
  TempFolder folder;
  t::write_raw(folder.file("labels"), t::idx_labels(3, 2));
  t::write_gz(folder.file("images.gz"), t::idx_images(3, 2, 2));
  std::vector<std::uint8_t> junk{0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0};
  t::write_gz(folder.file("foo.gz"), junk);

  CHECK_THROWS_WITH(
      read_idx_images(folder.file("labels")),
      folder.file("labels") + ": bad magic 0x00000801; expected 0x00000803 (idx3 ubyte images)");
  CHECK_THROWS_WITH(
      read_idx_labels(folder.file("images.gz")),
      folder.file("images.gz") + ": bad magic 0x00000803; expected 0x00000801 (idx1 ubyte labels)");
  CHECK_THROWS_WITH(
      read_idx_images(folder.file("foo.gz")),
      folder.file("foo.gz") + ": bad magic 0x12345678; expected 0x00000803 (idx3 ubyte images)");
}

TEST_CASE("idx files that are missing or have impossible dimensions", "[datasets][idx]") {
  TempFolder folder;
  CHECK_THROWS_WITH(read_idx_images(folder.file("none.gz")),
                    "cannot open " + folder.file("none.gz") + ": No such file or directory");
  t::write_raw(folder.file("flat"), t::idx_images(2, 0, 28));
  CHECK_THROWS_WITH(
      read_idx_images(folder.file("flat")),
      folder.file("flat") + ": bad image size 0 x 28; expected 1 to 4096 pixels a side");
}

TEST_CASE("a header that claims more rows than the file holds costs no more than one block",
          "[datasets][idx][hardening]") {
  TempFolder folder;
  // 16-byte header claiming 1,600,000,000 images of 28 x 28, then 13 bytes.
  const std::uint8_t header[16] = {0, 0, 8, 3, 0x5F, 0x5E, 0x10, 0x00, 0, 0, 0, 28, 0, 0, 0, 28};
  std::vector<std::uint8_t> bytes(29, 7);
  std::copy(std::begin(header), std::end(header), bytes.begin());
  t::write_raw(folder.file("liar"), bytes);
  struct rusage before {};
  getrusage(RUSAGE_SELF, &before);
  CHECK_THROWS_WITH(read_idx_images(folder.file("liar")),
                    "cannot read " + folder.file("liar") + ": truncated after 29 of " +
                        std::to_string(16 + 1'600'000'000ULL * 784) + " bytes");
  struct rusage after {};
  getrusage(RUSAGE_SELF, &after);
  // Peak resident memory grew by less than 64 MiB (one 16 MiB block, and
  // slack): the 1.25 TB the header claims was never allocated.
  CHECK(after.ru_maxrss - before.ru_maxrss < 64L * 1024);
}
