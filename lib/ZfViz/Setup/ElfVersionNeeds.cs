using System.Buffers.Binary;
using System.Text;

namespace ZfViz.Setup;

/// <summary>One version requirement of a shared library: "needs GLIBCXX_3.4.32 from libstdc++.so.6".</summary>
/// <param name="FlagsOffset">File offset of the entry's 16-bit <c>vna_flags</c> field.</param>
public sealed record VersionNeed(string File, string Version, ushort Flags, long FlagsOffset)
{
    /// <summary>VER_FLG_WEAK: the loader tolerates a missing version instead of refusing the library.</summary>
    public const ushort WeakFlag = 0x2;
    public bool IsWeak => (Flags & WeakFlag) != 0;
}

/// <summary>
/// Reads the <c>.gnu.version_r</c> section (Elf64_Verneed / Elf64_Vernaux) of a 64-bit little-endian ELF file.
/// Just enough ELF to find and flip one flag: no relocation or symbol handling.
/// </summary>
public static class ElfVersionNeeds
{
    const uint ShtGnuVerneed = 0x6ffffffe;

    public static IReadOnlyList<VersionNeed> Read(string path) => Read(File.ReadAllBytes(path), path);

    public static IReadOnlyList<VersionNeed> Read(byte[] elf, string nameForErrors = "ELF file")
    {
        ReadOnlySpan<byte> d = elf;
        if (d.Length < 64 || d[0] != 0x7f || d[1] != (byte)'E' || d[2] != (byte)'L' || d[3] != (byte)'F')
            throw new InvalidDataException($"{nameForErrors}: not an ELF file (bad magic).");
        if (d[4] != 2 || d[5] != 1)
            throw new InvalidDataException($"{nameForErrors}: only 64-bit little-endian ELF is supported.");

        ulong shoff = U64(d, 0x28);
        int shentsize = U16(d, 0x3a), shnum = U16(d, 0x3c);
        if (shoff == 0 || shentsize < 64 || shoff + (ulong)(shnum * shentsize) > (ulong)d.Length)
            throw new InvalidDataException($"{nameForErrors}: section header table is missing or truncated.");

        var result = new List<VersionNeed>();
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (U32(d, sh + 4) != ShtGnuVerneed) continue;
            long secOff = (long)U64(d, sh + 0x18);
            int link = (int)U32(d, sh + 0x28);
            int count = (int)U32(d, sh + 0x2c); // sh_info: number of Verneed entries
            long strOff = (long)U64(d, checked((int)shoff + link * shentsize) + 0x18);

            long vn = secOff;
            for (int n = 0; n < count; n++)
            {
                int cnt = U16(d, Checked(d, vn + 2, 2));
                string file = CString(d, strOff + U32(d, Checked(d, vn + 4, 4)));
                long aux = vn + U32(d, Checked(d, vn + 8, 4));
                for (int a = 0; a < cnt; a++)
                {
                    ushort flags = U16(d, Checked(d, aux + 4, 2));
                    string version = CString(d, strOff + U32(d, Checked(d, aux + 8, 4)));
                    result.Add(new VersionNeed(file, version, flags, aux + 4));
                    uint next = U32(d, Checked(d, aux + 12, 4));
                    if (next == 0) break;
                    aux += next;
                }
                uint vnNext = U32(d, Checked(d, vn + 12, 4));
                if (vnNext == 0) break;
                vn += vnNext;
            }
        }
        return result;

        int Checked(ReadOnlySpan<byte> s, long off, int len) =>
            off >= 0 && off + len <= s.Length ? (int)off
                : throw new InvalidDataException($"{nameForErrors}: .gnu.version_r points outside the file.");
    }

    /// <summary>Does the file define (or mention) a symbol version such as GLIBCXX_3.4.32? Used on the system libstdc++.</summary>
    public static bool MentionsVersion(string path, string version)
    {
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        return File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0;
    }

    static ushort U16(ReadOnlySpan<byte> d, int o) => BinaryPrimitives.ReadUInt16LittleEndian(d[o..]);
    static uint U32(ReadOnlySpan<byte> d, int o) => BinaryPrimitives.ReadUInt32LittleEndian(d[o..]);
    static ulong U64(ReadOnlySpan<byte> d, int o) => BinaryPrimitives.ReadUInt64LittleEndian(d[o..]);

    static string CString(ReadOnlySpan<byte> d, long off)
    {
        if (off < 0 || off >= d.Length) throw new InvalidDataException("string table offset outside the file.");
        var s = d[(int)off..];
        int end = s.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? s : s[..end]);
    }
}
