using TracSeq.Sequencing.Kits;

namespace TracSeq.UnitTests.Sequencing;

/// <summary>The kit files under Sequencing/Kits, read byte for byte from the test output folder.</summary>
internal static class KitFiles
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Sequencing", "Kits", name);

    /// <summary>The file as text, exactly as stored (BOM and line endings kept: the parser must cope with them).</summary>
    public static string Text(string name)
    {
        var bytes = File.ReadAllBytes(Path(name));
        return new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(bytes);
    }

    public static IndexKitDefinition Parse(string name)
    {
        var result = IlluminaKitFile.Parse(Text(name));
        result.Errors.ShouldBeEmpty();
        return result.Kit.ShouldNotBeNull();
    }
}
