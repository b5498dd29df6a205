using System.Net;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;

namespace AdmissionGuard.Sandbox.Tests.Store;

/// <summary>Services defaulted and given their cluster IPs and node ports as kube-apiserver 1.32 does (10.96.0.0/12).</summary>
public sealed class ServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject Service(string spec, string name = "web") =>
        JsonNode.Parse($$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"{{name}}","namespace":"default"},"spec":{{spec}}}""")!.AsObject();

    private static async Task<JsonObject> CreateAsync(ClusterApi api, string spec, string name = "web") =>
        (await api.CreateAsync(ResourceTypes.Services, "default", Service(spec, name), cancellationToken: Ct)).ToJsonObject();

    private static async Task<ApiException> RefusedAsync(Func<Task> write)
    {
        var refused = (await write.Should().ThrowAsync<ApiException>()).Which;
        refused.Code.Should().Be(422);
        return refused;
    }

    [Fact]
    public async Task A_service_gets_the_defaults_and_a_free_cluster_ip_from_above_the_ranges_lower_band()
    {
        var api = ClusterApi.CreateInMemory();

        var service = await CreateAsync(api, """{"selector":{"app":"web"},"ports":[{"port":80},{"name":"metrics","port":9090,"targetPort":"http-metrics"}]}""");

        var spec = service["spec"]!;
        var ip = IPAddress.Parse((string)spec["clusterIP"]!).GetAddressBytes();
        ip[0].Should().Be(10);
        (ip[1] & 0xF0).Should().Be(96, "the address is in 10.96.0.0/12");
        ((ip[1] & 0x0F) << 16 | ip[2] << 8 | ip[3]).Should().BeGreaterThanOrEqualTo(256, "the lower 256 addresses are kept for addresses users ask for");
        spec["clusterIPs"]!.AsArray().Select(i => (string?)i).Should().Equal((string)spec["clusterIP"]!);
        spec["ipFamilies"]!.AsArray().Select(f => (string?)f).Should().Equal("IPv4");
        ((string?)spec["ipFamilyPolicy"]).Should().Be("SingleStack");
        ((string?)spec["type"]).Should().Be("ClusterIP");
        ((string?)spec["sessionAffinity"]).Should().Be("None");
        ((string?)spec["internalTrafficPolicy"]).Should().Be("Cluster");
        spec["ports"]![0]!.ToJsonString().Should().Be("""{"port":80,"protocol":"TCP","targetPort":80}""");
        spec["ports"]![1]!.ToJsonString().Should().Be("""{"name":"metrics","port":9090,"targetPort":"http-metrics","protocol":"TCP"}""");
        service["status"]!.ToJsonString().Should().Be("""{"loadBalancer":{}}""");
    }

    [Fact]
    public async Task The_apiserver_has_its_own_service_on_the_ranges_first_address()
    {
        var api = ClusterApi.CreateInMemory();

        var kubernetes = api.Get(ResourceTypes.Services, "default", "kubernetes").ToJsonObject();

        ((string?)kubernetes["spec"]!["clusterIP"]).Should().Be("10.96.0.1");
        kubernetes["spec"]!["ports"]!.ToJsonString().Should().Be("""[{"name":"https","port":443,"protocol":"TCP","targetPort":6443}]""");
        kubernetes["metadata"]!["labels"]!.ToJsonString().Should().Be("""{"component":"apiserver","provider":"kubernetes"}""");
    }

    [Fact]
    public void The_apiserver_writes_its_own_endpoints_and_slice_for_that_service()
    {
        var api = ClusterApi.CreateInMemory();

        var endpoints = api.Get(ResourceTypes.Endpoints, "default", "kubernetes").ToJsonObject();
        var slice = api.Get(ResourceTypes.EndpointSlices, "default", "kubernetes").ToJsonObject();

        endpoints["metadata"]!["labels"]!.ToJsonString().Should().Be("""{"endpointslice.kubernetes.io/skip-mirror":"true"}""", "the mirroring controller leaves them to the apiserver");
        endpoints["subsets"]!.ToJsonString().Should().Be("""[{"addresses":[{"ip":"192.168.0.10"}],"ports":[{"name":"https","port":6443,"protocol":"TCP"}]}]""");
        slice["metadata"]!["labels"]!.ToJsonString().Should().Be("""{"kubernetes.io/service-name":"kubernetes"}""", "no managed-by label: no controller's slice");
        ((string?)slice["addressType"]).Should().Be("IPv4");
        slice["endpoints"]!.ToJsonString().Should().Be("""[{"addresses":["192.168.0.10"],"conditions":{"ready":true}}]""");
        slice["ports"]!.ToJsonString().Should().Be("""[{"name":"https","port":6443,"protocol":"TCP"}]""");
    }

    [Theory]
    [InlineData("10.96.0.1", "spec.clusterIPs", "Invalid value: []string{\"10.96.0.1\"}: failed to allocate IP 10.96.0.1: provided IP is already allocated")]
    [InlineData("10.112.0.1", "spec.clusterIPs", "Invalid value: []string{\"10.112.0.1\"}: failed to allocate IP 10.112.0.1: the provided IP (10.112.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12")]
    [InlineData("10.96.0.300", "spec.clusterIPs[0]", "Invalid value: \"10.96.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")]
    [InlineData("fd00::10", "spec.clusterIPs[0]", "Invalid value: []string{\"fd00::10\"}: IPv6 is not configured on this cluster")]
    public async Task A_cluster_ip_that_is_taken_out_of_range_or_no_address_is_refused(string asked, string field, string message)
    {
        var api = ClusterApi.CreateInMemory();

        var refused = await RefusedAsync(() => CreateAsync(api, $$"""{"clusterIP":"{{asked}}","ports":[{"port":80}]}"""));

        refused.Status.Details.Causes.Select(c => $"{c.Field}: {c.Message}").Should().Equal($"{field}: {message}");
        api.TryGet(ResourceTypes.Services, "default", "web").Should().BeNull();
    }

    [Fact]
    public async Task A_free_address_asked_for_is_given_and_then_taken()
    {
        var api = ClusterApi.CreateInMemory();

        var dns = await CreateAsync(api, """{"clusterIP":"10.96.0.10","ports":[{"port":53,"protocol":"UDP"}]}""", "kube-dns");
        var again = () => CreateAsync(api, """{"clusterIPs":["10.96.0.10"],"ports":[{"port":53}]}""", "other");

        ((string?)dns["spec"]!["clusterIPs"]![0]).Should().Be("10.96.0.10");
        (await RefusedAsync(again)).Status.Details.Causes.Should().ContainSingle().Which.Message.Should().EndWith("provided IP is already allocated");
    }

    [Fact]
    public async Task An_update_keeps_the_cluster_ip_it_leaves_out_and_may_not_change_it()
    {
        var api = ClusterApi.CreateInMemory();
        var created = await CreateAsync(api, """{"selector":{"app":"web"},"ports":[{"port":80}]}""");
        var ip = (string)created["spec"]!["clusterIP"]!;

        // As a kubectl replace of the manifest it was created from.
        var replaced = (await api.UpdateAsync(ResourceTypes.Services, "default", "web", Service("""{"selector":{"app":"web2"},"ports":[{"port":80}]}"""), cancellationToken: Ct)).ToJsonObject();
        var moved = () => api.PatchAsync(ResourceTypes.Services, "default", "web", PatchType.Merge, """{"spec":{"clusterIP":"10.96.0.20","clusterIPs":["10.96.0.20"]}}""", cancellationToken: Ct);

        ((string?)replaced["spec"]!["clusterIP"]).Should().Be(ip);
        ((string?)replaced["spec"]!["selector"]!["app"]).Should().Be("web2");
        (await RefusedAsync(moved)).Status.Details.Causes.Select(c => $"{c.Field}: {c.Message}").Should().Equal(
            "spec.clusterIP: Invalid value: \"10.96.0.20\": field is immutable");
    }

    [Fact]
    public async Task A_headless_service_gets_no_address_and_one_without_a_selector_asks_both_families()
    {
        var api = ClusterApi.CreateInMemory();

        var headless = await CreateAsync(api, """{"clusterIP":"None","selector":{"app":"db"},"ports":[{"port":5432}]}""", "db");
        var selectorless = await CreateAsync(api, """{"clusterIP":"None","ports":[{"port":5432}]}""", "external-db");

        headless["spec"]!["clusterIPs"]!.ToJsonString().Should().Be("""["None"]""");
        ((string?)headless["spec"]!["ipFamilyPolicy"]).Should().Be("SingleStack");
        headless["spec"]!["ipFamilies"]!.ToJsonString().Should().Be("""["IPv4"]""");
        ((string?)selectorless["spec"]!["ipFamilyPolicy"]).Should().Be("RequireDualStack");
        selectorless["spec"]!["ipFamilies"]!.ToJsonString().Should().Be("""["IPv4","IPv6"]""");
    }

    [Fact]
    public async Task A_node_port_service_gets_a_free_port_per_port_in_range_and_keeps_it_across_updates()
    {
        var api = ClusterApi.CreateInMemory();

        var created = await CreateAsync(api, """{"type":"NodePort","selector":{"app":"web"},"ports":[{"name":"http","port":80},{"name":"https","port":443,"nodePort":30443}]}""");
        var replaced = (await api.UpdateAsync(ResourceTypes.Services, "default", "web",
            Service("""{"type":"NodePort","selector":{"app":"web"},"ports":[{"name":"http","port":80},{"name":"https","port":443,"nodePort":30443}]}"""), cancellationToken: Ct)).ToJsonObject();
        var taken = () => CreateAsync(api, """{"type":"NodePort","ports":[{"port":80,"nodePort":30443}]}""", "other");
        var outside = () => CreateAsync(api, """{"type":"LoadBalancer","ports":[{"port":80,"nodePort":8080}]}""", "third");

        var http = (int)created["spec"]!["ports"]![0]!["nodePort"]!;
        http.Should().BeInRange(30000, 32767);
        ((int?)created["spec"]!["ports"]![1]!["nodePort"]).Should().Be(30443);
        ((string?)created["spec"]!["externalTrafficPolicy"]).Should().Be("Cluster");
        ((int?)replaced["spec"]!["ports"]![0]!["nodePort"]).Should().Be(http, "an update that leaves the node port out keeps it");
        (await RefusedAsync(taken)).Status.Details.Causes.Select(c => $"{c.Field}: {c.Message}").Should().Equal(
            "spec.ports[0].nodePort: Invalid value: 30443: provided port is already allocated");
        (await RefusedAsync(outside)).Status.Details.Causes.Select(c => $"{c.Field}: {c.Message}").Should().Equal(
            "spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767");
    }

    [Fact]
    public async Task A_change_of_type_drops_what_the_new_type_cannot_have()
    {
        var api = ClusterApi.CreateInMemory();
        await CreateAsync(api, """{"type":"NodePort","selector":{"app":"web"},"ports":[{"port":80}]}""");

        var clusterIp = (await api.PatchAsync(ResourceTypes.Services, "default", "web", PatchType.Merge, """{"spec":{"type":"ClusterIP"}}""", cancellationToken: Ct)).ToJsonObject();
        var externalName = (await api.PatchAsync(ResourceTypes.Services, "default", "web", PatchType.Merge,
            """{"spec":{"type":"ExternalName","externalName":"db.example.com","selector":null}}""", cancellationToken: Ct)).ToJsonObject();

        clusterIp["spec"]!["ports"]!.ToJsonString().Should().Be("""[{"port":80,"protocol":"TCP","targetPort":80}]""");
        clusterIp["spec"]!.AsObject().ContainsKey("externalTrafficPolicy").Should().BeFalse();
        ((string?)clusterIp["spec"]!["clusterIP"]).Should().NotBeNullOrEmpty("the address stays with a type that has one");
        externalName["spec"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo("type", "externalName", "ports", "sessionAffinity");
    }

    [Fact]
    public async Task A_deleted_services_address_is_free_again()
    {
        var api = ClusterApi.CreateInMemory();
        await CreateAsync(api, """{"clusterIP":"10.96.0.10","ports":[{"port":53}]}""", "kube-dns");

        await api.DeleteAsync(ResourceTypes.Services, "default", "kube-dns", cancellationToken: Ct);
        var again = await CreateAsync(api, """{"clusterIP":"10.96.0.10","ports":[{"port":53}]}""", "kube-dns");

        ((string?)again["spec"]!["clusterIP"]).Should().Be("10.96.0.10");
    }
}
