using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MimeKit;

namespace Argus.IntegrationTests.Notifications;

/// <summary>
/// A real SMTP server: Python's aiosmtpd (Debian package python3-aiosmtpd), started with /usr/bin/python3 on a free
/// port. Each message lands in a folder as <c>NNNN.eml</c> beside <c>NNNN.json</c> (envelope and login). With
/// <see cref="StartAsync"/>'s <c>tls</c>, it offers STARTTLS with a self-signed certificate made here, and requires
/// it and a login before accepting mail.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    public const string Python = "/usr/bin/python3";

    private const string Script = """
        import asyncio, itertools, json, os, ssl, sys
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        port, outdir = int(sys.argv[1]), sys.argv[2]
        tls = len(sys.argv) > 3
        counter = itertools.count(1)

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                n = next(counter)
                base = os.path.join(outdir, "%04d" % n)
                login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
                with open(base + ".json.tmp", "w") as f:
                    json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos, "login": login, "tls": session.ssl is not None}, f)
                with open(base + ".eml.tmp", "wb") as f:
                    f.write(envelope.original_content or envelope.content)
                os.rename(base + ".json.tmp", base + ".json")
                os.rename(base + ".eml.tmp", base + ".eml")
                return "250 2.0.0 Ok: queued as argus-test-%d" % n

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == sys.argv[5] and auth_data.password.decode() == sys.argv[6]
            # handled=False: aiosmtpd sends the 235 or 535 reply itself.
            return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

        kwargs = {}
        if tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(sys.argv[3], sys.argv[4])
            kwargs = dict(tls_context=context, require_starttls=True, authenticator=authenticator, auth_required=True, auth_require_tls=True)
        controller = Controller(Handler(), hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        print("READY", flush=True)
        sys.stdin.read()
        controller.stop()
        """;

    private readonly Process _process;

    private SmtpTestServer(Process process, int port, string folder, string? certificateSha256)
    {
        _process = process;
        Port = port;
        Folder = folder;
        CertificateSha256 = certificateSha256;
    }

    public int Port { get; }

    public string Folder { get; }

    /// <summary>The SHA-256 fingerprint of the self-signed certificate (TLS servers only).</summary>
    public string? CertificateSha256 { get; }

    /// <summary>Starts the server; fails the test with instructions when Python or aiosmtpd is missing.</summary>
    public static async Task<SmtpTestServer> StartAsync(bool tls = false, string user = "", string password = "")
    {
        RequireAiosmtpd();
        var folder = Path.Combine(Path.GetTempPath(), "argus-tests", "smtp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var scriptPath = Path.Combine(folder, "server.py");
        await File.WriteAllTextAsync(scriptPath, Script);
        var mailFolder = Directory.CreateDirectory(Path.Combine(folder, "mail")).FullName;
        var port = FreePort();
        var start = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { scriptPath, port.ToString(System.Globalization.CultureInfo.InvariantCulture), mailFolder })
        {
            start.ArgumentList.Add(arg);
        }

        string? fingerprint = null;
        if (tls)
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            var certPath = Path.Combine(folder, "cert.pem");
            var keyPath = Path.Combine(folder, "key.pem");
            await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
            fingerprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
            foreach (var arg in new[] { certPath, keyPath, user, password })
            {
                start.ArgumentList.Add(arg);
            }
        }

        var process = Process.Start(start)!;
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (ready != "READY")
        {
            var error = await process.StandardError.ReadToEndAsync();
            process.Kill();
            Assert.Fail($"aiosmtpd did not start: {error}");
        }

        return new SmtpTestServer(process, port, mailFolder, fingerprint);
    }

    /// <summary>The received messages with their envelopes, oldest first.</summary>
    public IReadOnlyList<(MimeMessage Message, JsonElement Envelope)> Messages() =>
        [.. Directory.GetFiles(Folder, "*.eml").Order(StringComparer.Ordinal).Select(path =>
            (MimeMessage.Load(path), JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(path, ".json"))).RootElement.Clone()))];

    private static void RequireAiosmtpd()
    {
        if (!File.Exists(Python))
        {
            Assert.Fail($"{Python} is missing; the e-mail tests need a real SMTP server. Install Debian's python3-aiosmtpd (apt-get install python3-aiosmtpd), as .ci/run does.");
        }

        using var check = Process.Start(new ProcessStartInfo(Python, ["-c", "import aiosmtpd"]) { RedirectStandardError = true, UseShellExecute = false })!;
        check.WaitForExit();
        if (check.ExitCode != 0)
        {
            Assert.Fail($"Python's aiosmtpd module is missing; the e-mail tests need a real SMTP server. Install Debian's python3-aiosmtpd (apt-get install python3-aiosmtpd), as .ci/run does. {check.StandardError.ReadToEnd()}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5_000))
            {
                _process.Kill();
            }
        }

        _process.Dispose();
        await Task.CompletedTask;
        Infrastructure.ArgusTestServer.TryDelete(Path.GetDirectoryName(Folder)!);
    }
}
