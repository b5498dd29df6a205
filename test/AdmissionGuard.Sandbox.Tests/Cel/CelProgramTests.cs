using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Cel;

namespace AdmissionGuard.Sandbox.Tests.Cel;

public sealed class CelProgramTests
{
    private static readonly HashSet<string> Declared = new(StringComparer.Ordinal) { "object", "request" };

    private const string Pod = """
        {"metadata":{"name":"ebs-csi-node-x7k2p","labels":{"app":"ebs-csi-node","tier":"storage"}},
         "spec":{"priority":2000001000,"hostNetwork":false,"overhead":{"cpu":0.5},
                 "tolerations":[{"operator":"Exists","effect":"NoExecute"},{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],
                 "containers":[{"name":"node","image":"public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.37.0"},{"name":"registrar","image":"registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.12.0"}],
                 "nodeName":null}}
        """;

    private static object? Evaluate(string expression) =>
        CelProgram.Compile(expression, Declared).Evaluate(new Dictionary<string, object?>
        {
            ["object"] = CelValues.FromJson(JsonNode.Parse(Pod)),
            ["request"] = CelValues.FromJson(JsonNode.Parse("""{"operation":"CREATE","userInfo":{"username":"system:serviceaccount:kube-system:daemon-set-controller","groups":["system:serviceaccounts"]}}""")),
        });

    [Theory]
    // Macros over the pod's lists, the way matchConditions and policies are written in practice.
    [InlineData("object.spec.tolerations.exists(t, t.operator == 'Exists' && !has(t.key))", true)]
    [InlineData("object.spec.tolerations.all(t, has(t.effect))", true)]
    [InlineData("object.spec.tolerations.exists_one(t, has(t.tolerationSeconds))", true)]
    [InlineData("object.spec.containers.all(c, c.image.startsWith('public.ecr.aws/'))", false)]
    [InlineData("object.spec.containers.map(c, c.name) == ['node', 'registrar']", true)]
    [InlineData("object.spec.containers.filter(c, c.image.contains('registry.k8s.io')).size() == 1", true)]
    [InlineData("object.spec.containers.map(c, c.name.startsWith('n'), c.name.upperAscii()) == ['NODE']", true)]
    [InlineData("object.metadata.labels.all(k, k.matches('^[a-z]+$'))", true)]
    [InlineData("size(object.metadata.labels) == 2 && 'app' in object.metadata.labels", true)]
    // Numbers: JSON integers are int, others double; comparisons cross types, equality is heterogeneous.
    [InlineData("object.spec.priority > 2000000000", true)]
    [InlineData("object.spec.overhead.cpu < 1", true)]
    [InlineData("1 == 1.0 && 1u == 1 && 2 > 1.5", true)]
    [InlineData("type(object.spec.priority) == int && type(object.spec.overhead.cpu) == double", true)]
    [InlineData("7 / 2 == 3 && 7 % 3 == 1 && -7 / 2 == -3 && 7.0 / 2.0 == 3.5", true)]
    // Strings and the Kubernetes string library.
    [InlineData("object.metadata.name.endsWith('-x7k2p') && object.metadata.name.indexOf('csi') == 4", true)]
    [InlineData("'a,b,c'.split(',') == ['a', 'b', 'c'] && ['a', 'b'].join('-') == 'a-b'", true)]
    [InlineData("' x '.trim() + 'y'.lowerAscii() == 'xy' && 'héllo'.size() == 5 && 'héllo'.substring(1, 3) == 'él'", true)]
    [InlineData("request.userInfo.username.split(':')[3] == 'daemon-set-controller'", true)]
    [InlineData("!has(request.namespace) && has(object.metadata.name)", true)]
    [InlineData("'system:serviceaccounts' in request.userInfo.groups", true)]
    // Conditionals, optionals, null: an absent member is not null (nulls are dropped, as omitempty drops them).
    [InlineData("has(object.spec.nodeName) ? object.spec.nodeName == '' : true", true)]
    [InlineData("object.spec.?nodeName.orValue('unscheduled') == 'unscheduled'", true)]
    [InlineData("object.?metadata.?labels.?app.hasValue() && !object.spec.?affinity.?nodeAffinity.hasValue()", true)]
    [InlineData("optional.of(1).value() == 1 && !optional.none().hasValue()", true)]
    [InlineData("{'a': 1, 'b': [true, null]}['b'][1] == null && [1, 2] + [3] == [1, 2, 3]", true)]
    [InlineData("string(42) + string(true) == '42true' && int('-5') == -5 && double('2.5') == 2.5 && uint(3) == 3u", true)]
    [InlineData("[3, 1, 2].max() == 3 && [1, 2, 2].isSorted() && [1, 2, 3].sum() == 6", true)]
    // Timestamps and durations: parsing, arithmetic, ordering, accessors (UTC or a named zone), string forms.
    [InlineData("timestamp('2024-03-01T10:00:00Z') - timestamp('2024-02-28T10:00:00Z') == duration('48h')", true)]
    [InlineData("timestamp('2024-01-01T00:00:00+02:00') == timestamp('2023-12-31T22:00:00Z')", true)]
    [InlineData("timestamp('2024-01-01T00:00:00Z') + duration('1h30m') > timestamp('2024-01-01T01:29:59.999Z')", true)]
    [InlineData("duration('1.5h') == duration('90m') && duration('-1s') < duration('0') && -duration('1m') == duration('-60s')", true)]
    [InlineData("duration('300ms') + duration('700ms') == duration('1s') && duration('1h').getMinutes() == 60", true)]
    [InlineData("string(duration('90m')) == '5400s' && string(duration('1.5s')) == '1.5s'", true)]
    [InlineData("string(timestamp('2024-01-01T00:00:00.500Z')) == '2024-01-01T00:00:00.5Z' && int(timestamp('1970-01-02T00:00:00Z')) == 86400", true)]
    [InlineData("timestamp('2024-02-29T23:30:00Z').getMonth() == 1 && timestamp('2024-02-29T23:30:00Z').getDate() == 29 && timestamp('2024-02-29T23:30:00Z').getDayOfMonth() == 28", true)]
    [InlineData("timestamp('2024-02-29T23:30:00Z').getDate('+01:00') == 1 && timestamp('2024-02-29T23:30:00Z').getHours('America/New_York') == 18", true)]
    [InlineData("timestamp('2024-01-07T00:00:00Z').getDayOfWeek() == 0 && timestamp('2024-12-31T00:00:00Z').getDayOfYear() == 365", true)]
    [InlineData("type(timestamp(0)) == type(timestamp('1970-01-01T00:00:00Z')) && type(duration('1s')) != type(timestamp(0))", true)]
    [InlineData("timestamp(object.metadata.?creationTimestamp.orValue('2024-01-01T00:00:00Z')) < timestamp('2025-01-01T00:00:00Z')", true)]
    // Kubernetes' quantity library, as policies limiting resources use it.
    [InlineData("quantity('1Gi') == quantity('1024Mi') && quantity('1G') != quantity('1Gi') && quantity('500m') == quantity('0.5')", true)]
    [InlineData("quantity('1.5Gi').isGreaterThan(quantity('1536Mi')) == false && quantity('100m').isLessThan(quantity('1'))", true)]
    [InlineData("quantity('2k').compareTo(quantity('2e3')) == 0 && quantity('1E').compareTo(quantity('1Ei')) == -1", true)]
    [InlineData("quantity('1Ki').add(quantity('24')).asInteger() == 1048 && quantity('1').sub(2).sign() == -1", true)]
    [InlineData("quantity('250m').isInteger() == false && quantity('4').isInteger() && quantity('1.5').asApproximateFloat() == 1.5", true)]
    [InlineData("isQuantity('10Mi') && !isQuantity('10MB') && !isQuantity('') && type(quantity('1')) != string", true)]
    // Kubernetes' URL library, with the examples of its documentation (k8s.io/apiserver/pkg/cel/library/urls.go).
    [InlineData("isURL('https://user:pass@example.com:80/path?query=val#fragment') && isURL('/absolute-path')", true)]
    [InlineData("isURL('https://a:b:c/') || isURL('../relative-path') || isURL('') || isURL('https://exa mple.com/') || isURL('https://example.com/%zz')", false)]
    [InlineData("url('/path').getScheme() == '' && url('https://example.com/').getScheme() == 'https' && url('HTTPS://example.com/').getScheme() == 'https'", true)]
    [InlineData("url('https://example.com:80/').getHost() == 'example.com:80' && url('https://example.com/').getHost() == 'example.com' && url('/path').getHost() == ''", true)]
    [InlineData("url('https://[::1]:80/').getHost() == '[::1]:80' && url('https://[::1]/').getHost() == '[::1]'", true)]
    [InlineData("url('https://example.com:80/').getHostname() == 'example.com' && url('https://127.0.0.1:80/').getHostname() == '127.0.0.1' && url('https://[::1]:80/').getHostname() == '::1' && url('/path').getHostname() == ''", true)]
    [InlineData("url('https://example.com:80/').getPort() == '80' && url('https://example.com/').getPort() == '' && url('/path').getPort() == ''", true)]
    [InlineData("url('https://example.com/path').getEscapedPath() == '/path' && url('https://example.com/path with spaces/').getEscapedPath() == '/path%20with%20spaces/' && url('https://example.com').getEscapedPath() == ''", true)]
    [InlineData("url('https://example.com/a%2Fb').getEscapedPath() == '/a%2Fb' && url('https://example.com/caf%C3%A9').getEscapedPath() == '/caf%C3%A9'", true)]
    [InlineData("url('https://example.com/path?k1=a&k2=b&k2=c').getQuery() == {'k1': ['a'], 'k2': ['b', 'c']}", true)]
    [InlineData("url('https://example.com/path?key with spaces=value with spaces').getQuery() == {'key with spaces': ['value with spaces']}", true)]
    [InlineData("url('https://example.com/path?').getQuery() == {} && url('https://example.com/path').getQuery() == {} && url('https://example.com/?a=1+2&b;c=3&d=%zz&e').getQuery() == {'a': ['1 2'], 'e': ['']}", true)]
    [InlineData("url('https://example.com/p#frag').getEscapedPath() == '/p' && url('https://example.com/?q=1#frag').getQuery() == {'q': ['1']} && type(url('/a')) != string", true)]
    // Kubernetes' IP and CIDR libraries, with the examples of their documentation (k8s.io/apiserver/pkg/cel/library).
    [InlineData("isIP('127.0.0.1') && isIP('::1') && !isIP('010.0.0.1') && !isIP('1.2.3') && !isIP('fe80::1%eth0') && !isIP('::ffff:1.2.3.4') && !isIP('[::1]')", true)]
    [InlineData("ip('127.0.0.1').family() == 4 && ip('::1').family() == 6 && ip('127.0.0.1') == ip('127.0.0.1') && ip('::1') != ip('::2')", true)]
    [InlineData("ip('0.0.0.0').isUnspecified() && ip('::').isUnspecified() && !ip('127.0.0.1').isUnspecified()", true)]
    [InlineData("ip('127.0.0.1').isLoopback() && ip('::1').isLoopback() && !ip('10.0.0.1').isLoopback()", true)]
    [InlineData("ip('224.0.0.1').isLinkLocalMulticast() && ip('ff02::1').isLinkLocalMulticast() && !ip('224.0.1.1').isLinkLocalMulticast()", true)]
    [InlineData("ip('169.254.169.254').isLinkLocalUnicast() && ip('fe80::1').isLinkLocalUnicast() && !ip('192.168.0.1').isLinkLocalUnicast()", true)]
    [InlineData("ip('192.168.0.1').isGlobalUnicast() && ip('2001:db8::abcd').isGlobalUnicast() && !ip('255.255.255.255').isGlobalUnicast() && !ip('ff00::1').isGlobalUnicast()", true)]
    [InlineData("string(ip('2001:DB8:0:0::1')) == '2001:db8::1' && ip.isCanonical('127.0.0.1') && ip.isCanonical('2001:db8::abcd') && !ip.isCanonical('2001:DB8::ABCD')", true)]
    [InlineData("isCIDR('192.168.0.0/16') && isCIDR('::1/128') && !isCIDR('192.168.0.0') && !isCIDR('192.168.0.0/33') && !isCIDR('10.0.0.0/08')", true)]
    [InlineData("cidr('192.168.0.0/24').containsIP(ip('192.168.0.1')) && cidr('192.168.0.0/24').containsIP('192.168.0.255') && !cidr('192.168.0.0/24').containsIP('192.168.1.1')", true)]
    [InlineData("cidr('192.168.0.0/16').containsCIDR(cidr('192.168.10.0/24')) && cidr('192.168.0.0/16').containsCIDR('192.168.0.0/16') && !cidr('192.168.10.0/24').containsCIDR('192.168.0.0/16')", true)]
    [InlineData("!cidr('::/0').containsIP('127.0.0.1') && cidr('::/0').containsIP('2001:db8::1')", true)]
    [InlineData("cidr('192.168.0.1/24').ip() == ip('192.168.0.1') && cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24') && cidr('::1/128').prefixLength() == 128", true)]
    [InlineData("string(cidr('192.168.0.1/24').masked()) == '192.168.0.0/24' && type(ip('::1')) != type(cidr('::1/128'))", true)]
    public void Expressions_evaluate_as_cel_does(string expression, bool expected) =>
        Evaluate(expression).Should().Be(expected);

    [Theory]
    // && and || are commutative: a deciding operand absorbs an error on either side; exists and all likewise.
    [InlineData("object.spec.missing == 1 || true", true)]
    [InlineData("false && object.spec.missing == 1", false)]
    [InlineData("object.spec.tolerations.exists(t, t.key == 'node.kubernetes.io/not-ready')", true)]
    [InlineData("object.spec.tolerations.all(t, t.key == 'no-such-key')", false)]
    public void Errors_are_absorbed_where_cel_absorbs_them(string expression, bool expected) =>
        Evaluate(expression).Should().Be(expected);

    [Theory]
    [InlineData("object.spec.missing", "no such key: missing")]
    [InlineData("object.spec.tolerations.all(t, t.key != '')", "no such key: key")]
    [InlineData("object.spec.containers[5]", "index out of bounds: 5")]
    [InlineData("1 + 1.0", "no such overload: _+_ applied to (int, double)")]
    [InlineData("1 / 0", "division by zero")]
    [InlineData("9223372036854775807 + 1", "integer overflow")]
    [InlineData("size(1)", "no such overload: size applied to (int)")]
    [InlineData("object.spec.priority ? 1 : 2", "no such overload: _?_:_ applied to (int)")]
    [InlineData("'a'.matches('(')", "invalid regular expression '('*")]
    [InlineData("semver('1.2.3')", "the sandbox's CEL does not implement semver()*")]
    [InlineData("ip('010.0.0.1')", "IP Address \"010.0.0.1\" parse error during conversion from string*")]
    [InlineData("cidr('10.0.0.0/33')", "network address parse error during conversion from string*")]
    [InlineData("cidr('10.0.0.0/8').containsIP(1)", "no such overload: containsIP applied to (net.CIDR, int)")]
    [InlineData("url('https://a:b:c/')", "URL parse error during conversion from string: parse \"https://a:b:c/\": invalid port \":c\" after host")]
    [InlineData("url('../relative-path')", "URL parse error during conversion from string: parse \"../relative-path\": invalid URI for request")]
    [InlineData("url('https://example.com/%zz')", "URL parse error during conversion from string: parse \"https://example.com/%zz\": invalid URL escape \"%zz\"")]
    [InlineData("url('/a').getHost(1)", "no such overload: getHost applied to (kubernetes.URL, int)")]
    [InlineData("quantity('10MB')", "quantities must match the regular expression*: '10MB'")]
    [InlineData("quantity('250m').asInteger()", "cannot convert value to integer*")]
    [InlineData("quantity('1') < quantity('2')", "no such overload: _<_ applied to (kubernetes.Quantity, kubernetes.Quantity)")]
    [InlineData("timestamp('2024-01-01')", "cannot parse timestamp '2024-01-01': not RFC 3339*")]
    [InlineData("timestamp('2024-02-30T00:00:00Z')", "cannot parse timestamp '2024-02-30T00:00:00Z': no such date or time")]
    [InlineData("duration('5 minutes')", "cannot parse duration '5 minutes'*")]
    [InlineData("duration('3000000h')", "cannot parse duration '3000000h': out of range")]
    [InlineData("timestamp('9999-12-31T23:00:00Z') + duration('2h')", "timestamp out of range")]
    [InlineData("timestamp(0) < 1", "no such overload: _<_ applied to (google.protobuf.Timestamp, int)")]
    [InlineData("timestamp(0).getHours('Mars/Olympus')", "unknown time zone 'Mars/Olympus'")]
    public void Evaluation_errors_say_what_went_wrong(string expression, string message)
    {
        var evaluate = () => Evaluate(expression);

        evaluate.Should().Throw<CelEvaluationException>().WithMessage(message);
    }

    [Theory]
    [InlineData("params.maxReplicas > 1", "ERROR: <input>:1:1: undeclared reference to 'params' (in container '')\n | params.maxReplicas > 1\n | ^")]
    [InlineData("object.spec.containers.any(c, true)", "ERROR: <input>:1:*: undeclared reference to 'any' (in container '')*")]
    [InlineData("object.spec.", "ERROR: <input>:1:13: Syntax error: mismatched input '<EOF>' expecting IDENTIFIER*")]
    [InlineData("object.metadata.name == 'x", "ERROR: <input>:1:25: Syntax error: token recognition error: unterminated string*")]
    [InlineData("has(object)", "ERROR: <input>:1:1: invalid argument to has() macro*")]
    [InlineData("object.spec.containers.all(c.name, true)", "ERROR: <input>:1:*: argument must be a simple name*")]
    [InlineData("1 +", "ERROR: <input>:1:4: Syntax error: mismatched input '<EOF>'*")]
    [InlineData("object.spec.x # 1", "ERROR: <input>:1:15: Syntax error: token recognition error at: '#'*")]
    [InlineData("var == 1", "ERROR: <input>:1:1: Syntax error: reserved identifier: var*")]
    public void Compile_errors_are_worded_as_cel_go_words_them(string expression, string message)
    {
        var compile = () => CelProgram.Compile(expression, Declared);

        compile.Should().Throw<CelCompileException>().WithMessage(message);
    }

    [Fact]
    public void Runaway_expressions_are_stopped_not_a_crash_or_a_hang()
    {
        var deepOperators = () => CelProgram.Compile(new string('!', 100_000) + "true", Declared);
        var deepParentheses = () => CelProgram.Compile(new string('(', 100_000) + "1" + new string(')', 100_000), Declared);
        var longChain = () => CelProgram.Compile(string.Join(" + ", Enumerable.Repeat("1", 100_000)), Declared);
        var range = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]";
        var exponential = () => Evaluate($"{range}.all(a, {range}.all(b, {range}.all(c, {range}.all(d, {range}.all(e, {range}.all(f, {range}.all(g, false || a + b + c + d + e + f + g >= 0)))))))");

        deepOperators.Should().Throw<CelCompileException>().WithMessage("*expression recursion limit exceeded: 250*");
        deepParentheses.Should().Throw<CelCompileException>().WithMessage("*expression recursion limit exceeded: 250*");
        longChain.Should().Throw<CelCompileException>().WithMessage("*expression recursion limit exceeded: 250*");
        // An error nothing may absorb: not even the || around it.
        exponential.Should().Throw<CelEvaluationException>().WithMessage("operation cancelled: actual cost limit exceeded");
    }

    [Fact]
    public void Json_numbers_are_int_or_double_whatever_dotnet_type_the_node_holds()
    {
        var built = new JsonObject { ["replicas"] = 3, ["big"] = ulong.MaxValue, ["ratio"] = 0.5, ["parsed"] = JsonNode.Parse("7") };

        var values = (CelMap)CelValues.FromJson(built)!;

        values.Entries.Values.Should().Equal(3L, ulong.MaxValue, 0.5, 7L);
    }

    [Theory]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("0x1F", 31L)]
    [InlineData("'\\x41\\u00e9\\101' + r'\\n'", "Aé" + "A\\n")]
    [InlineData("'''two\nlines'''", "two\nlines")]
    [InlineData("b'abc'.size()", 3L)]
    [InlineData("18446744073709551615u", ulong.MaxValue)]
    [InlineData("1e3", 1000.0)]
    public void Literals_read_as_cel_reads_them(string expression, object expected) =>
        Evaluate(expression).Should().Be(expected);
}
