using AdmissionGuard.Core.Certificates;

namespace AdmissionGuard.Core.Tests.Certificates;

public sealed class CertificateRenewalTests
{
    private static readonly DateTimeOffset Issued = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlyList<string> Names = ServiceDnsNames.For("admissionguard-webhook", "admissionguard-system");

    private static ServingCertificateFacts Served(bool currentAuthority = true, IReadOnlyCollection<string>? names = null) =>
        new(Issued, Issued + CertificateRenewal.ServingValidity, names ?? Names, currentAuthority);

    [Fact]
    public void Service_names_cover_every_form_a_client_in_the_cluster_uses_with_the_api_servers_first()
    {
        ServiceDnsNames.For("admissionguard-webhook", "guard").Should().Equal(
            "admissionguard-webhook.guard.svc",
            "admissionguard-webhook",
            "admissionguard-webhook.guard",
            "admissionguard-webhook.guard.svc.cluster.local");
    }

    [Fact]
    public void Renewal_is_due_two_thirds_into_the_lifetime()
    {
        var notAfter = Issued + TimeSpan.FromDays(30);

        CertificateRenewal.RenewalTime(Issued, notAfter).Should().Be(Issued + TimeSpan.FromDays(20));
        CertificateRenewal.IsRenewalDue(Issued + TimeSpan.FromDays(20) - TimeSpan.FromSeconds(1), Issued, notAfter).Should().BeFalse();
        CertificateRenewal.IsRenewalDue(Issued + TimeSpan.FromDays(20), Issued, notAfter).Should().BeTrue();
    }

    [Fact]
    public void A_serving_certificate_never_outlives_its_authority_and_is_backdated_for_slow_clocks()
    {
        var (notBefore, notAfter) = CertificateRenewal.ServingValidityFrom(Issued, Issued + TimeSpan.FromDays(400));
        var (_, cutShort) = CertificateRenewal.ServingValidityFrom(Issued, Issued + TimeSpan.FromDays(3));

        notBefore.Should().Be(Issued - CertificateRenewal.Backdate);
        notAfter.Should().Be(Issued + CertificateRenewal.ServingValidity);
        cutShort.Should().Be(Issued + TimeSpan.FromDays(3));
    }

    [Fact]
    public void The_authority_is_replaced_long_before_it_expires_and_outlives_every_certificate_it_issued()
    {
        var authorityRenewal = CertificateRenewal.RenewalTime(Issued, Issued + CertificateRenewal.AuthorityValidity);
        var lastIssued = CertificateRenewal.ServingValidityFrom(authorityRenewal, Issued + CertificateRenewal.AuthorityValidity).NotAfter;

        (Issued + CertificateRenewal.AuthorityValidity - authorityRenewal).Should().BeGreaterThan(TimeSpan.FromDays(365));
        CertificateRenewal.IsTrusted(lastIssued - TimeSpan.FromSeconds(1), Issued + CertificateRenewal.AuthorityValidity).Should().BeTrue();
        CertificateRenewal.IsTrusted(Issued + CertificateRenewal.AuthorityValidity, Issued + CertificateRenewal.AuthorityValidity).Should().BeFalse();
    }

    public static TheoryData<string, int, string> Verdicts => new()
    {
        { "nothing served", 0, "Missing" },
        { "current, fresh", 1, "Keep" },
        { "current, 19 days old", 19, "Keep" },
        { "current, 20 days old", 20, "RenewalDue" },
        { "previous authority", 1, "OtherAuthority" },
        { "other names", 1, "OtherNames" },
        { "previous authority and other names", 1, "OtherAuthority" },
    };

    [Theory]
    [MemberData(nameof(Verdicts))]
    public void The_served_certificate_is_kept_only_when_current_right_and_not_due(string situation, int ageInDays, string verdict)
    {
        var served = situation switch
        {
            "nothing served" => null,
            "previous authority" => Served(currentAuthority: false),
            "other names" => Served(names: ServiceDnsNames.For("renamed", "admissionguard-system")),
            "previous authority and other names" => Served(currentAuthority: false, names: ["localhost"]),
            _ => Served(),
        };

        CertificateRenewal.Check(served, Names, Issued + TimeSpan.FromDays(ageInDays)).ToString().Should().Be(verdict);
    }

    [Fact]
    public void Names_are_compared_as_a_set_ignoring_case_and_order()
    {
        var shuffled = Names.Reverse().Select(n => n.ToUpperInvariant()).ToList();

        CertificateRenewal.Check(Served(names: shuffled), Names, Issued).Should().Be(ServingCertificateVerdict.Keep);
    }
}
