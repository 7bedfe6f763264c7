// Test helpers: .npy bytes and .npz archives written by hand, byte for byte
// as NumPy writes them (format 1.0 header padded to 64 bytes; np.savez's
// stored zip members, np.savez_compressed's deflated ones, each "KEY.npy"),
// since the tests cannot count on NumPy being installed.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace sweep::engine::test {

// A .npy file: `descr` as NumPy writes it ("<f4", "|u1", "<i8", "|O"), the
// shape, and the data bytes as they are.
inline std::vector<std::uint8_t> npy_bytes(const std::string& descr,
                                           const std::vector<std::size_t>& shape,
                                           const std::vector<std::uint8_t>& data,
                                           bool fortran = false) {
  std::string dims;  // (3, 4), but (3,) for one dimension
  for (std::size_t i = 0; i < shape.size(); ++i)
    dims += (i == 0 ? "" : ", ") + std::to_string(shape[i]);
  if (shape.size() == 1) dims += ",";
  std::string header = "{'descr': '" + descr +
                       "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': (" +
                       dims + "), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::vector<std::uint8_t> bytes = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  bytes.push_back(static_cast<std::uint8_t>(header.size() & 0xFF));
  bytes.push_back(static_cast<std::uint8_t>(header.size() >> 8));
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

template <typename T>
std::vector<std::uint8_t> raw_bytes(const std::vector<T>& values) {
  std::vector<std::uint8_t> bytes(values.size() * sizeof(T));
  if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

inline void put_le(std::vector<std::uint8_t>& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

// A zip archive of `members` (name, bytes): stored, or deflated when `compress`.
inline std::vector<std::uint8_t> zip_bytes(
    const std::vector<std::pair<std::string, std::vector<std::uint8_t>>>& members, bool compress) {
  std::vector<std::uint8_t> out;
  std::vector<std::uint8_t> directory;
  for (const auto& [name, data] : members) {
    std::vector<std::uint8_t> packed = data;
    if (compress) {
      z_stream stream{};
      if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8,
                       Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2 failed");
      packed.resize(deflateBound(&stream, static_cast<uLong>(data.size())));
      stream.next_in = const_cast<Bytef*>(data.data());
      stream.avail_in = static_cast<uInt>(data.size());
      stream.next_out = packed.data();
      stream.avail_out = static_cast<uInt>(packed.size());
      if (deflate(&stream, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate failed");
      packed.resize(stream.total_out);
      deflateEnd(&stream);
    }
    const auto crc = crc32(0, data.data(), static_cast<uInt>(data.size()));
    const std::size_t local = out.size();
    put_le(out, 0x04034b50, 4);
    put_le(out, 20, 2);                // version needed
    put_le(out, 0, 2);                 // flags
    put_le(out, compress ? 8 : 0, 2);  // method
    put_le(out, 0, 4);                 // time, date
    put_le(out, crc, 4);
    put_le(out, packed.size(), 4);
    put_le(out, data.size(), 4);
    put_le(out, name.size(), 2);
    put_le(out, 0, 2);
    out.insert(out.end(), name.begin(), name.end());
    out.insert(out.end(), packed.begin(), packed.end());

    put_le(directory, 0x02014b50, 4);
    put_le(directory, 20, 2);  // made by
    put_le(directory, 20, 2);  // needed
    put_le(directory, 0, 2);
    put_le(directory, compress ? 8 : 0, 2);
    put_le(directory, 0, 4);
    put_le(directory, crc, 4);
    put_le(directory, packed.size(), 4);
    put_le(directory, data.size(), 4);
    put_le(directory, name.size(), 2);
    put_le(directory, 0, 2);  // extra
    put_le(directory, 0, 2);  // comment
    put_le(directory, 0, 2);  // disk
    put_le(directory, 0, 2);  // internal attributes
    put_le(directory, 0, 4);  // external attributes
    put_le(directory, local, 4);
    directory.insert(directory.end(), name.begin(), name.end());
  }
  const std::size_t start = out.size();
  out.insert(out.end(), directory.begin(), directory.end());
  put_le(out, 0x06054b50, 4);
  put_le(out, 0, 4);  // disks
  put_le(out, members.size(), 2);
  put_le(out, members.size(), 2);
  put_le(out, directory.size(), 4);
  put_le(out, start, 4);
  put_le(out, 0, 2);  // comment
  return out;
}

inline void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace sweep::engine::test
