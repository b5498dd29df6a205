using System.Text;

namespace AdmissionGuard.Sandbox.Protobuf;

/// <summary>Writes length-delimited protobuf fields, the counterpart of <see cref="WireReader"/> for what the sandbox serves.</summary>
internal static class WireWriter
{
    public static byte[] String(int field, string value) => LengthDelimited(field, Encoding.UTF8.GetBytes(value));

    /// <summary>The field's tag, its length as a varint, and the bytes.</summary>
    public static byte[] LengthDelimited(int field, ReadOnlySpan<byte> value)
    {
        var encoded = new List<byte>(value.Length + 6);
        Varint(encoded, (uint)((field << 3) | (int)WireType.LengthDelimited));
        Varint(encoded, (uint)value.Length);
        encoded.AddRange(value);
        return [.. encoded];
    }

    private static void Varint(List<byte> encoded, uint value)
    {
        for (; value >= 0x80; value >>= 7)
        {
            encoded.Add((byte)(value | 0x80));
        }

        encoded.Add((byte)value);
    }
}
