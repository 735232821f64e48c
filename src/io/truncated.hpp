#pragma once
// Private to the io readers: telling a plain text file that was cut short.
#include <fstream>
#include <string>

namespace nuflare::io::detail {

//! Whether a plain text file ends inside a line (no final line break). A file
//! cut short — an interrupted copy or download — usually does, and a cut
//! inside the last number would otherwise pass as a wrong value. Compressed
//! files (gzip, xz: recognised by their magic bytes) and empty files give
//! false: their ends are the decompressor's and the reader's business.
inline bool ends_inside_line(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  unsigned char head[6] = {0, 0, 0, 0, 0, 0};
  f.read(reinterpret_cast<char*>(head), sizeof head);
  const auto got = f.gcount();
  const bool gzip = got >= 2 && head[0] == 0x1f && head[1] == 0x8b;
  const bool xz = got == 6 && head[0] == 0xfd && head[1] == '7' && head[2] == 'z' &&
                  head[3] == 'X' && head[4] == 'Z' && head[5] == 0;
  if (gzip || xz || got == 0)
    return false;
  f.clear();
  f.seekg(-1, std::ios::end);
  char last = '\n';
  f.get(last);
  return last != '\n';
}

} // namespace nuflare::io::detail
