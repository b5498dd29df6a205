using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;

namespace AdmissionGuard.Sandbox.Tests.Store;

/// <summary>EndpointSlices written by hand are defaulted and validated as kube-apiserver 1.32 does (discovery/v1).</summary>
public sealed class EndpointSliceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject Slice(string body, string name = "db-1") =>
        JsonNode.Parse($$"""{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"{{name}}","namespace":"default"},{{body}}}""")!.AsObject();

    private static async Task<IEnumerable<string>> CausesOfAsync(Func<Task> write)
    {
        var refused = (await write.Should().ThrowAsync<ApiException>()).Which;
        refused.Code.Should().Be(422);
        refused.Status.Message.Should().StartWith("EndpointSlice \"db-1\" is invalid: ");
        return refused.Status.Details.Causes.Select(c => $"{c.Field}: {c.Message}");
    }

    [Fact]
    public async Task A_slices_ports_get_an_empty_name_and_tcp()
    {
        var api = ClusterApi.CreateInMemory();

        var stored = (await api.CreateAsync(ResourceTypes.EndpointSlices, "default",
            Slice("""
                "addressType":"IPv4","endpoints":[{"addresses":["192.0.2.10"]}],"ports":[{"port":5432}]
                """), cancellationToken: Ct)).ToJsonObject();

        stored["ports"]!.ToJsonString().Should().Be("""[{"port":5432,"name":"","protocol":"TCP"}]""");
    }

    [Theory]
    [InlineData("""
        "endpoints":[]
        """, "addressType: Required value")]
    [InlineData("""
        "addressType":"IP","endpoints":[]
        """, "addressType: Unsupported value: \"IP\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"")]
    [InlineData("""
        "addressType":"IPv4","endpoints":[{"addresses":[]}]
        """, "endpoints[0].addresses: Required value: must contain at least 1 address")]
    [InlineData("""
        "addressType":"IPv4","endpoints":[{"addresses":["127.0.0.1"]}]
        """, "endpoints[0].addresses[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)")]
    [InlineData("""
        "addressType":"IPv4","endpoints":[{"addresses":["169.254.169.254"]}]
        """, "endpoints[0].addresses[0]: Invalid value: \"169.254.169.254\": may not be in the link-local range (169.254.0.0/16, fe80::/10)")]
    [InlineData("""
        "addressType":"IPv6","endpoints":[{"addresses":["2001:db8::1","::"]}]
        """, "endpoints[0].addresses[1]: Invalid value: \"::\": may not be unspecified (::)")]
    [InlineData("""
        "addressType":"FQDN","endpoints":[{"addresses":["localhost"]}]
        """, "endpoints[0].addresses[0]: Invalid value: \"localhost\": should be a domain with at least two segments separated by dots")]
    [InlineData("""
        "addressType":"IPv4","endpoints":[],"ports":[{"name":"pg","port":5432},{"name":"pg","port":5433,"protocol":"HTTP"}]
        """, "ports[1].name: Duplicate value: \"pg\"", "ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"")]
    public async Task A_slice_the_apiserver_would_refuse_is_refused_with_its_reasons(string body, params string[] causes)
    {
        var api = ClusterApi.CreateInMemory();

        var refused = await CausesOfAsync(() => api.CreateAsync(ResourceTypes.EndpointSlices, "default", Slice(body), cancellationToken: Ct));

        refused.Should().Equal(causes);
    }

    [Fact]
    public async Task An_address_that_is_not_of_the_slices_type_is_refused()
    {
        var api = ClusterApi.CreateInMemory();

        var refused = await CausesOfAsync(() => api.CreateAsync(ResourceTypes.EndpointSlices, "default",
            Slice("""
                "addressType":"IPv4","endpoints":[{"addresses":["2001:db8::1"]}]
                """), cancellationToken: Ct));

        refused.Should().Equal("endpoints[0].addresses[0]: Invalid value: \"2001:db8::1\": must be a valid IPv4 address");
    }

    [Fact]
    public async Task A_slices_address_type_cannot_change()
    {
        var api = ClusterApi.CreateInMemory();
        await api.CreateAsync(ResourceTypes.EndpointSlices, "default", Slice("""
            "addressType":"IPv4","endpoints":[{"addresses":["192.0.2.10"]}]
            """), cancellationToken: Ct);

        var refused = await CausesOfAsync(() => api.UpdateAsync(ResourceTypes.EndpointSlices, "default", "db-1", Slice("""
            "addressType":"IPv6","endpoints":[{"addresses":["2001:db8::1"]}]
            """), cancellationToken: Ct));

        refused.Should().Equal("addressType: Invalid value: \"IPv6\": field is immutable");
    }
}
