using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Http;

/// <summary>
/// <c>application/vnd.kubernetes.protobuf</c> request bodies, encoded here field by field from k8s.io/api
/// generated.proto: decoded to the same objects as JSON, unknown fields skipped, unknown kinds and broken bodies
/// answered with a Status.
/// </summary>
public sealed class ProtobufBodyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_namespace_with_labels_and_an_unknown_field_is_created()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        var metadata = Concat(Text(1, "shop"), Message(11, Concat(Text(1, "team"), Text(2, "a"))), Text(99, "from a newer release"));
        var body = Envelope("v1", "Namespace", Concat(Message(1, metadata), Message(2, []), Message(3, [])));

        using var response = await PostAsync(sandbox, "/api/v1/namespaces", body);

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var stored = sandbox.Api.Get<V1Namespace>(null, "shop")!;
        stored.Metadata.Labels.Should().Contain("team", "a").And.Contain("kubernetes.io/metadata.name", "shop");
        stored.Status.Phase.Should().Be("Active");
    }

    [Fact]
    public async Task Deployment_fields_keep_zero_replicas_quantities_and_int_or_string()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        var labels = Message(1, Concat(Text(1, "app"), Text(2, "web")));
        var container = Concat(
            Text(1, "app"),
            Text(2, "nginx"),
            Message(8, Message(1, Concat(Text(1, "cpu"), Message(2, Text(1, "500m"))))),
            Number(16, 0));
        var template = Concat(Message(1, Message(11, labels[2..])), Message(2, Concat(Message(2, container), Text(10, ""))));
        var strategy = Concat(Text(1, "RollingUpdate"), Message(2, Concat(Message(1, Concat(Number(1, 1), Text(3, "25%"))), Message(2, Concat(Number(1, 0), Number(2, 2))))));
        var spec = Concat(Number(1, 0), Message(2, labels), Message(3, template), Message(4, strategy));
        var body = Envelope("apps/v1", "Deployment", Concat(Message(1, Text(1, "web")), Message(2, spec), Message(3, [])));

        using var response = await PostAsync(sandbox, "/apis/apps/v1/namespaces/default/deployments", body);

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        json["spec"]!["replicas"]!.GetValue<int>().Should().Be(0);
        json["spec"]!["selector"]!["matchLabels"]!["app"]!.GetValue<string>().Should().Be("web");
        json["spec"]!["strategy"]!["rollingUpdate"]!.ToJsonString().Should().Be("""{"maxUnavailable":"25%","maxSurge":2}""");
        var stored = json["spec"]!["template"]!["spec"]!;
        stored["containers"]![0]!.ToJsonString().Should().Be("""{"name":"app","image":"nginx","resources":{"limits":{"cpu":"500m"}},"imagePullPolicy":"Always","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}""");
        stored.AsObject().ContainsKey("nodeName").Should().BeFalse("an empty non-pointer string is what omitempty leaves out");
    }

    [Fact]
    public async Task A_kind_without_a_schema_is_refused_with_415_naming_it()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);

        using var response = await PostAsync(sandbox, "/api/v1/namespaces/default/configmaps", Envelope("v1", "ResourceQuota", Message(1, Text(1, "q"))));

        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        status["kind"]!.GetValue<string>().Should().Be("Status");
        status["message"]!.GetValue<string>().Should().Contain("kind \"ResourceQuota\"").And.Contain("application/json");
    }

    [Theory]
    [InlineData(new byte[] { 0x6b, 0x38, 0x73, 0x00, 0x12, 0x05, 0x0a }, "truncated")]
    [InlineData(new byte[] { 0x0a, 0x02, 0x0a, 0x00 }, "must start with the 4-byte prefix")]
    [InlineData(new byte[] { 0x6b, 0x38, 0x73, 0x00, 0x0f }, "unsupported protobuf wire type 7")]
    [InlineData(new byte[] { 0x6b, 0x38, 0x73, 0x00, 0x00 }, "invalid protobuf field number 0")]
    public async Task A_malformed_body_is_a_bad_request(byte[] body, string expected)
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);

        using var response = await PostAsync(sandbox, "/api/v1/namespaces", body);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).Should().Contain(expected);
    }

    private static async Task<HttpResponseMessage> PostAsync(SandboxServer sandbox, string path, byte[] body)
    {
        using var client = new HttpClient { BaseAddress = sandbox.HttpUrl };
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.kubernetes.protobuf");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Accept.ParseAdd("application/vnd.kubernetes.protobuf, */*");
        return await client.SendAsync(request, Ct);
    }

    private static byte[] Envelope(string apiVersion, string kind, byte[] raw) =>
        Concat("k8s\0"u8.ToArray(), Message(1, Concat(Text(1, apiVersion), Text(2, kind))), Message(2, raw));

    private static byte[] Text(int number, string value) => Message(number, Encoding.UTF8.GetBytes(value));

    private static byte[] Message(int number, byte[] payload) => Concat(Varint((ulong)(number << 3 | 2)), Varint((ulong)payload.Length), payload);

    private static byte[] Number(int number, ulong value) => Concat(Varint((ulong)(number << 3)), Varint(value));

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
