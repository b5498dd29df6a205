namespace AdmissionGuard.Sandbox.Cel;

/// <summary>
/// An expression that does not compile, worded as cel-go words it: <c>ERROR: &lt;input&gt;:line:column: reason</c>,
/// then the line and a caret under the column.
/// </summary>
public sealed class CelCompileException : FormatException
{
    public CelCompileException(string message)
        : base(message)
    {
    }

    public CelCompileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CelCompileException()
    {
    }

    internal static CelCompileException At(string source, int offset, string reason)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset && i < source.Length; i++)
        {
            if (source[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        var lineEnd = source.IndexOf('\n', lineStart);
        var text = lineEnd < 0 ? source[lineStart..] : source[lineStart..lineEnd];
        var column = offset - lineStart;
        return new CelCompileException($"ERROR: <input>:{line}:{column + 1}: {reason}\n | {text}\n | {new string('.', column)}^");
    }
}

/// <summary>An evaluation error (CEL's error value), worded as cel-go words it: <c>no such key: x</c>, <c>no such overload</c>.</summary>
public sealed class CelEvaluationException : InvalidOperationException
{
    public CelEvaluationException(string message)
        : base(message)
    {
    }

    public CelEvaluationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CelEvaluationException()
    {
    }
}
