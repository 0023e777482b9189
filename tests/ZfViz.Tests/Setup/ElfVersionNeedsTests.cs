using System.Buffers.Binary;
using System.Text;
using ZfViz.Setup;

namespace ZfViz.Tests.Setup;

public class ElfVersionNeedsTests
{
    /// <summary>
    /// A minimal hand-laid ELF64: header, .dynstr, .gnu.version_r with one Verneed (libstdc++.so.6) holding two
    /// Vernaux entries (GLIBCXX_3.4.30, GLIBCXX_3.4.32), and three section headers (null, .dynstr, .gnu.version_r).
    /// </summary>
    internal static byte[] TinyElf(ushort flagsOf32 = 0)
    {
        var strtab = Encoding.ASCII.GetBytes("\0libstdc++.so.6\0GLIBCXX_3.4.30\0GLIBCXX_3.4.32\0");
        const int strOff = 64, verOff = 128, shOff = 256;
        var d = new byte[shOff + 3 * 64];
        "\x7f"u8.CopyTo(d); "ELF"u8.CopyTo(d.AsSpan(1));
        d[4] = 2; d[5] = 1; d[6] = 1;                                // 64-bit, little-endian, version 1
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(0x28), shOff);
        BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(0x3a), 64); // e_shentsize
        BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(0x3c), 3);  // e_shnum
        strtab.CopyTo(d, strOff);
        // Elf64_Verneed: vn_version=1, vn_cnt=2, vn_file=1 ("libstdc++.so.6"), vn_aux=16, vn_next=0
        W16(verOff, 1); W16(verOff + 2, 2); W32(verOff + 4, 1); W32(verOff + 8, 16); W32(verOff + 12, 0);
        // Vernaux 1: hash, flags 0, other 2, name 16 ("GLIBCXX_3.4.30"), next 16
        W32(verOff + 16, 0x1234); W16(verOff + 20, 0); W16(verOff + 22, 2); W32(verOff + 24, 16); W32(verOff + 28, 16);
        // Vernaux 2: flags as given, other 3, name 31 ("GLIBCXX_3.4.32"), next 0
        W32(verOff + 32, 0x5678); W16(verOff + 36, flagsOf32); W16(verOff + 38, 3); W32(verOff + 40, 31); W32(verOff + 44, 0);
        // section 1: .dynstr (SHT_STRTAB=3) at strOff; section 2: SHT_GNU_verneed, sh_link=1, sh_info=1 entry
        Sh(1, type: 3, off: strOff, size: (ulong)strtab.Length, link: 0, info: 0);
        Sh(2, type: 0x6ffffffe, off: verOff, size: 48, link: 1, info: 1);
        return d;

        void W16(int o, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(o), v);
        void W32(int o, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(o), v);
        void Sh(int i, uint type, ulong off, ulong size, uint link, uint info)
        {
            int b = shOff + i * 64;
            W32(b + 4, type);
            BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(b + 0x18), off);
            BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(b + 0x20), size);
            W32(b + 0x28, link); W32(b + 0x2c, info);
        }
    }

    [Fact]
    public void ReadsEveryVersionNeedWithItsFlagOffset()
    {
        var needs = ElfVersionNeeds.Read(TinyElf());
        Assert.Equal(new[] { "GLIBCXX_3.4.30", "GLIBCXX_3.4.32" }, needs.Select(n => n.Version));
        Assert.All(needs, n => Assert.Equal("libstdc++.so.6", n.File));
        Assert.Equal(128 + 16 + 4, needs[0].FlagsOffset);
        Assert.Equal(128 + 32 + 4, needs[1].FlagsOffset);
        Assert.False(needs[1].IsWeak);
        Assert.True(ElfVersionNeeds.Read(TinyElf(flagsOf32: 2))[1].IsWeak);
    }

    [Fact]
    public void PatchChangesExactlyOneByteAndIsIdempotent()
    {
        using var folder = new TempFolder("zfviz-elf");
        var path = Path.Combine(folder.Path, TorchNativeFix.LibraryName);
        var original = TinyElf();
        File.WriteAllBytes(path, original);

        var first = TorchNativeFix.PatchFile(path);
        Assert.Equal(FixAction.Patched, first.Action);
        var patched = File.ReadAllBytes(path);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        Assert.Equal(new[] { 128 + 32 + 4 }, changed);
        Assert.Equal(2, patched[128 + 32 + 4]);
        Assert.Equal(patched, TinyElf(flagsOf32: 2));

        Assert.Equal(FixAction.AlreadyPatched, TorchNativeFix.PatchFile(path).Action);
        Assert.Equal(patched, File.ReadAllBytes(path));
        Assert.False(File.Exists(path + ".zfviz-tmp"));
    }

    [Fact]
    public void DryRunReportsButDoesNotWrite()
    {
        using var folder = new TempFolder("zfviz-elf");
        var path = Path.Combine(folder.Path, TorchNativeFix.LibraryName);
        File.WriteAllBytes(path, TinyElf());
        Assert.Equal(FixAction.WouldPatch, TorchNativeFix.PatchFile(path, dryRun: true).Action);
        Assert.Equal(TinyElf(), File.ReadAllBytes(path));
    }

    [Fact]
    public void NonElfAndTruncatedFilesFailWithoutDamage()
    {
        using var dirFolder = new TempFolder("zfviz-elf");
        var dir = dirFolder.Path;
        var text = Path.Combine(dir, "a.so");
        File.WriteAllText(text, "not an elf file, just text that is long enough to have a header...........");
        var r = TorchNativeFix.PatchFile(text);
        Assert.Equal(FixAction.Failed, r.Action);
        Assert.Contains("not an ELF", r.Detail);

        var truncated = Path.Combine(dir, "b.so");
        File.WriteAllBytes(truncated, TinyElf()[..200]);
        Assert.Equal(FixAction.Failed, TorchNativeFix.PatchFile(truncated).Action);
        Assert.Equal(TinyElf()[..200], File.ReadAllBytes(truncated));
    }

    [Fact]
    public void FixIsNeededOnlyWhereTheSystemLibraryLacksTheVersion()
    {
        using var dirFolder = new TempFolder("zfviz-elf");
        var dir = dirFolder.Path;
        var old = Path.Combine(dir, "old.so");
        var recent = Path.Combine(dir, "new.so");
        File.WriteAllBytes(old, Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.30\0GLIBCXX_3.4.3\0"));
        File.WriteAllBytes(recent, Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.30\0GLIBCXX_3.4.32\0"));
        Assert.True(TorchNativeFix.IsNeeded(old));
        Assert.False(TorchNativeFix.IsNeeded(recent));
        Assert.False(TorchNativeFix.IsNeeded(null));
    }

    [Fact]
    public void TheRealTorchSharpLibraryRequiresTheVersionWeakAfterSetup()
    {
        // The build output's copy: on a machine that needed the fix, setup marked it weak; elsewhere it is untouched.
        var so = Directory.EnumerateFiles(AppContext.BaseDirectory, TorchNativeFix.LibraryName, SearchOption.AllDirectories).FirstOrDefault();
        Assert.NotNull(so);
        var need = ElfVersionNeeds.Read(so!).SingleOrDefault(n => n.Version == TorchNativeFix.RequiredVersion);
        Assert.NotNull(need);
        Assert.Equal("libstdc++.so.6", need!.File);
        if (TorchNativeFix.IsNeeded(TorchNativeFix.FindSystemLibStdCxx())) Assert.True(need.IsWeak);
    }
}
