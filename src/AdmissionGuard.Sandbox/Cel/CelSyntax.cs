namespace AdmissionGuard.Sandbox.Cel;

/// <summary>A parsed CEL expression; <see cref="Offset"/> is where it starts in the source, for messages.</summary>
internal abstract record CelExpr(int Offset)
{
    /// <summary>The expressions directly inside this one.</summary>
    public virtual IEnumerable<CelExpr> Children => [];
}

internal sealed record CelLiteral(int Offset, object? Value) : CelExpr(Offset);

internal sealed record CelIdent(int Offset, string Name) : CelExpr(Offset);

/// <param name="Optional"><c>a.?f</c>: an optional of the field, empty when absent.</param>
/// <param name="TestOnly"><c>has(a.f)</c>: whether the field is present.</param>
internal sealed record CelSelect(int Offset, CelExpr Operand, string Field, bool Optional = false, bool TestOnly = false) : CelExpr(Offset)
{
    public override IEnumerable<CelExpr> Children => [Operand];
}

/// <param name="Optional"><c>a[?k]</c>: an optional of the element, empty when absent.</param>
internal sealed record CelIndex(int Offset, CelExpr Operand, CelExpr Key, bool Optional) : CelExpr(Offset)
{
    public override IEnumerable<CelExpr> Children => [Operand, Key];
}

/// <param name="Target">The receiver of a method call (<c>s.startsWith(x)</c>); null for a global function (<c>size(x)</c>).</param>
internal sealed record CelCall(int Offset, CelExpr? Target, string Function, IReadOnlyList<CelExpr> Args) : CelExpr(Offset)
{
    public override IEnumerable<CelExpr> Children => Target is null ? Args : [Target, .. Args];
}

internal sealed record CelList(int Offset, IReadOnlyList<CelExpr> Items) : CelExpr(Offset)
{
    public override IEnumerable<CelExpr> Children => Items;
}

internal sealed record CelMapLiteral(int Offset, IReadOnlyList<(CelExpr Key, CelExpr Value)> Entries) : CelExpr(Offset)
{
    public override IEnumerable<CelExpr> Children => Entries.SelectMany(e => new[] { e.Key, e.Value });
}

/// <param name="Operator"><c>!</c> or <c>-</c>.</param>
internal sealed record CelUnary(int Offset, string Operator, CelExpr Operand) : CelExpr(Offset)
{
    public override IEnumerable<CelExpr> Children => [Operand];
}

/// <param name="Operator">Arithmetic (<c>+ - * / %</c>), relation (<c>== != &lt; &lt;= &gt; &gt;=</c>) or <c>in</c>.</param>
internal sealed record CelBinary(int Offset, string Operator, CelExpr Left, CelExpr Right) : CelExpr(Offset)
{
    public override IEnumerable<CelExpr> Children => [Left, Right];
}

/// <summary><c>||</c> (<paramref name="IsOr"/>) or <c>&amp;&amp;</c>: commutative, an operand that decides absorbs an error in the other.</summary>
internal sealed record CelLogical(int Offset, bool IsOr, CelExpr Left, CelExpr Right) : CelExpr(Offset)
{
    public override IEnumerable<CelExpr> Children => [Left, Right];
}

internal sealed record CelConditional(int Offset, CelExpr Condition, CelExpr Then, CelExpr Else) : CelExpr(Offset)
{
    public override IEnumerable<CelExpr> Children => [Condition, Then, Else];
}

/// <summary>A macro over a list's elements or a map's keys: <c>all</c>, <c>exists</c>, <c>exists_one</c>, <c>map</c> (with an optional filter) or <c>filter</c>.</summary>
/// <param name="Predicate">The condition (for <c>map</c>, the optional filter).</param>
/// <param name="Transform">What <c>map</c> makes of each element.</param>
/// <remarks><see cref="Children"/> are the parts evaluated with <see cref="Variable"/> bound, after <see cref="Range"/>.</remarks>
internal sealed record CelComprehension(int Offset, string Macro, CelExpr Range, string Variable, CelExpr? Predicate, CelExpr? Transform) : CelExpr(Offset)
{
    public override IEnumerable<CelExpr> Children => new[] { Predicate, Transform }.OfType<CelExpr>();
}
