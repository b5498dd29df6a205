namespace AdmissionGuard.Sandbox.Protobuf;

/// <summary>
/// Reads the protobuf wire format (varint, 64-bit, length-delimited, 32-bit) from a span. Every read checks
/// its bounds: a truncated or malformed message throws <see cref="FormatException"/>, never reads past the end.
/// </summary>
internal ref struct WireReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads a field's tag: its number and wire type.</summary>
    public (int Number, WireType Type) ReadTag()
    {
        var tag = ReadVarint();
        var number = tag >> 3;
        if (number is 0 or > 536_870_911)
        {
            throw new FormatException($"invalid protobuf field number {number}");
        }

        return ((int)number, (WireType)(tag & 7));
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new FormatException("truncated protobuf varint");
            }

            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("malformed protobuf varint (more than 10 bytes)");
    }

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new FormatException("truncated protobuf length-delimited field");
        }

        var slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    /// <summary>Skips a field of a number the schema does not know, as protobuf readers must.</summary>
    public void Skip(WireType type)
    {
        switch (type)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Advance(8);
                break;
            case WireType.LengthDelimited:
                ReadLengthDelimited();
                break;
            case WireType.Fixed32:
                Advance(4);
                break;
            default:
                throw new FormatException($"unsupported protobuf wire type {(int)type}");
        }
    }

    private void Advance(int count)
    {
        if (count > _data.Length - _position)
        {
            throw new FormatException("truncated protobuf fixed-width field");
        }

        _position += count;
    }
}

internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}
