#!/usr/bin/env python3
"""Writes corpus.json: realistic samples for the masking tests, each with the sensitive values it holds.

Every value is invented for the tests (fictitious companies, documentation-style formats); the generator is seeded,
so re-running it reproduces the same file. Run from this folder: python3 generate_corpus.py
"""
import json, random

rnd = random.Random(20250617)

ENVS = ["prod", "stg", "dev", "qa"]
SVCS = ["orders", "billing", "ledger", "catalog", "payment", "member", "coupon", "settle", "search", "notify"]
COMPANIES = ["acmecorp.com", "nimbus-retail.net", "hanbit-pay.co.kr", "blueriver.io", "daon-logis.com", "mirae-fin.kr"]
INTERNAL = ["corp", "internal", "local", "lan"]
NAMES_KO = ["김민수", "이서연", "박지훈", "최유나", "정하늘", "강도윤", "윤서아", "임재원"]
POD_ALPHA = "bcdfghjklmnpqrstvwxz2456789"
ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
used = set()

def uniq(make):
    for _ in range(1000):
        v = make()
        if v not in used:
            used.add(v)
            return v
    raise RuntimeError("no unique value")

def rs(alpha, n): return "".join(rnd.choice(alpha) for _ in range(n))
def host(): return uniq(lambda: f"{rnd.choice(SVCS)}-{rnd.choice(['db','api','cache','mq','batch','web'])}-{rnd.choice(ENVS)}-{rnd.randint(1,40):02d}.{rnd.choice(['corp','dc1','apne2','idc'])}.{rnd.choice(COMPANIES)}")
def ihost(): return uniq(lambda: f"{rnd.choice(SVCS)}-{rnd.choice(['db','redis','kafka','es'])}{rnd.randint(1,9)}.{rnd.choice(ENVS)}.{rnd.choice(INTERNAL)}")
def k8shost(): return uniq(lambda: f"{rnd.choice(SVCS)}-svc-{rs('abcdefghij',3)}.{rnd.choice(['shop','pay','core'])}-{rnd.choice(ENVS)}.svc.cluster.local")
def ec2host(): return uniq(lambda: f"ip-10-{rnd.randint(0,255)}-{rnd.randint(0,255)}-{rnd.randint(1,254)}.ap-northeast-2.compute.internal")
def ip(): return uniq(lambda: rnd.choice([f"10.{rnd.randint(0,255)}.{rnd.randint(0,255)}.{rnd.randint(1,254)}", f"172.{rnd.randint(16,31)}.{rnd.randint(0,255)}.{rnd.randint(1,254)}", f"192.168.{rnd.randint(0,255)}.{rnd.randint(1,254)}"]))
def ip6(): return uniq(lambda: f"fd{rs('0123456789abcdef',2)}:{rs('0123456789abcdef',4)}:{rs('0123456789abcdef',4)}::{rs('123456789abcdef',1)}{rs('0123456789abcdef',3)}")
def db(): return uniq(lambda: f"{rnd.choice(SVCS)}_{rnd.choice(['main','prod','live','core','hist'])}{rnd.randint(1,99)}")
def user(): return uniq(lambda: f"svc_{rnd.choice(SVCS)}_{rs('abcdefghijklmnopqrstuvwxyz',3)}")
def pw(): return uniq(lambda: rs("ABCDEFGHJKLMNPQRSTUVWXYZ", 2) + rs(ALNUM, 8) + str(rnd.randint(10, 99)))
def email(): return uniq(lambda: f"{rnd.choice(['kim','lee','park','choi','jung','kang'])}.{rs('abcdefghijklmnopqrstuvwxyz',5)}{rnd.randint(1,99)}@{rnd.choice(COMPANIES)}")
def mobile(): return uniq(lambda: rnd.choice(["010-{}-{}", "010 {} {}", "010{}{}", "+82 10-{}-{}", "+82-10-{}-{}"]).format(rnd.randint(2000, 9999), rnd.randint(1000, 9999)))
def landline(): return uniq(lambda: rnd.choice(["02-{}-{}", "031-{}-{}", "051-{}-{}", "064-{}-{}"]).format(rnd.randint(200, 9999), rnd.randint(1000, 9999)))
def intl(): return uniq(lambda: rnd.choice(["+1 415 555 {}", "+1-212-555-{}", "+44 20 7946 {}"]).format(rnd.randint(1000, 9999)))
def rrn():
    def make():
        y = rnd.randint(0, 99); m = rnd.randint(1, 12); d = rnd.randint(1, 28)
        g = rnd.choice("12") if y > 25 else rnd.choice("34")
        return f"{y:02d}{m:02d}{d:02d}-{g}{rnd.randint(0, 999999):06d}"
    return uniq(make)
def luhn_complete(prefix, n):
    digits = [int(c) for c in prefix] + [rnd.randint(0, 9) for _ in range(n - len(prefix) - 1)]
    for check in range(10):
        ds = digits + [check]
        total = 0
        for i, d in enumerate(reversed(ds)):
            if i % 2 == 1:
                d *= 2
                d = d - 9 if d > 9 else d
            total += d
        if total % 10 == 0:
            return "".join(map(str, ds))
def card():
    def make():
        kind = rnd.choice(["visa", "mc", "amex"])
        if kind == "amex":
            n = luhn_complete(rnd.choice(["34", "37"]), 15)
            return rnd.choice([n, f"{n[:4]} {n[4:10]} {n[10:]}"])
        n = luhn_complete(rnd.choice(["45", "49", "51", "53", "55"]), 16)
        return rnd.choice([n, " ".join(n[i:i+4] for i in range(0, 16, 4)), "-".join(n[i:i+4] for i in range(0, 16, 4))])
    return uniq(make)
def jwt():
    import base64
    enc = lambda b: base64.urlsafe_b64encode(b).decode().rstrip("=")
    hdr = enc(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    return uniq(lambda: hdr + "." + enc(json.dumps({"sub": f"user-{rnd.randint(1,99999)}", "tenant": rs(ALNUM, 6), "exp": 1750000000 + rnd.randint(0, 10**6)}).encode()) + "." + rs("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 43))
def akia(): return uniq(lambda: rnd.choice(["AKIA", "ASIA"]) + rs("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16))
def awssecret(): return uniq(lambda: rs("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+", 40))
def apikey(): return uniq(lambda: rnd.choice(["sk_live_", "pk_", "key-", ""]) + rs(ALNUM, 24))
def pod(): return uniq(lambda: f"{rnd.choice(['prod','stg'])}-{rnd.choice(SVCS)}-api-{rnd.choice(['pod','deploy','app'])}-{rs(POD_ALPHA, rnd.choice([8,9,10]))}-{rs(POD_ALPHA,5)}".replace("-api-pod-", "-api-pod-"))
def uuid():
    h = rs("0123456789abcdef", 32)
    return uniq(lambda: f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}" if False else "-".join([rs('0123456789abcdef',8), rs('0123456789abcdef',4), '4'+rs('0123456789abcdef',3), 'a'+rs('0123456789abcdef',3), rs('0123456789abcdef',12)]))
def num_id(): return uniq(lambda: str(rnd.randint(10**6, 10**9)))
def pem():
    body = "\n".join(rs("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 64) for _ in range(rnd.randint(3, 6)))
    return uniq(lambda: body)
def ms(): return rnd.randint(120, 9000)
def ts(): return f"2025-06-{rnd.randint(10,28)}T{rnd.randint(0,23):02d}:{rnd.randint(0,59):02d}:{rnd.randint(0,59):02d}.{rnd.randint(0,999):03d}Z"

samples = []
def add(category, text, values):
    samples.append({"id": f"{category}-{len(samples)+1:03d}", "category": category, "text": text, "sensitive": values})

for _ in range(30):
    h, d, u, p = host(), db(), user(), pw()
    kind = rnd.choice(["mysql", "mariadb", "postgresql"])
    port = {"mysql": 3306, "mariadb": 3306, "postgresql": 5432}[kind]
    add("jdbc", f"{ts()} INFO  [main] com.zaxxer.hikari.HikariDataSource - HikariPool-1 - Starting... jdbcUrl=jdbc:{kind}://{h}:{port}/{d}?user={u}&password={p}&useSSL=true\n"
        f"{ts()} WARN  [main] o.h.e.j.s.SqlExceptionHelper - SQL Error: 1045, SQLState: 28000 (took {ms()} ms)\n"
        f"SELECT o.id, o.total_amount FROM orders o WHERE o.status = 'PAID' AND o.created_at > ? LIMIT 100", [h, d, u, p])
for _ in range(10):
    h, d, u, p = host(), db(), user(), pw()
    add("jdbc", f"spring.datasource.url=jdbc:sqlserver://{h}:1433;databaseName={d};user={u};password={p};encrypt=true;trustServerCertificate=false\nspring.datasource.hikari.maximum-pool-size=20", [h, d, u, p])
for _ in range(10):
    h, sid = host(), uniq(lambda: "ORA" + rs("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 5))
    if rnd.random() < 0.5:
        add("jdbc", f"Caused by: java.sql.SQLRecoverableException: IO Error: The Network Adapter could not establish the connection (CONNECTION_ID=abc) url=jdbc:oracle:thin:@{h}:1521:{sid}", [h, sid])
    else:
        svc = uniq(lambda: rnd.choice(SVCS) + "_svc" + str(rnd.randint(1, 99)))
        add("jdbc", f"datasource: jdbc:oracle:thin:@//{h}:1521/{svc} validationQuery=SELECT 1 FROM DUAL timeout={ms()}ms", [h, svc])
for _ in range(15):
    u, p, h1, h2, d = user(), pw(), ihost(), ihost(), db()
    if rnd.random() < 0.5:
        add("mongodb", f"MongoTimeoutException: Timed out after 30000 ms while waiting to connect. Client view of cluster state is {{type=REPLICA_SET, servers=[{{address={h1}:27017, type=UNKNOWN, state=CONNECTING}}]}} uri=mongodb://{u}:{p}@{h1}:27017,{h2}:27017/{d}?replicaSet=rs0&authSource=admin", [u, p, h1, h2, d])
    else:
        c = uniq(lambda: f"cluster{rnd.randint(0,9)}.{rs(ALNUM,5)}.mongodb.net")
        add("mongodb", f"MONGO_URL=mongodb+srv://{u}:{p}@{c}/{d}?retryWrites=true&w=majority", [u, p, c, d])
for _ in range(10):
    p, h = pw(), ihost()
    add("redis", f"io.lettuce.core.RedisConnectionException: Unable to connect to redis://:{p}@{h}:6379/0 (after {ms()} ms, attempt 3 of 5)", [p, h])
for _ in range(15):
    h, d, u, p = host(), db(), user(), pw()
    add("adonet", f"\"ConnectionStrings\": {{ \"Ledger\": \"Server={h},1433;Database={d};User Id={u};Password={p};TrustServerCertificate=True;Max Pool Size=200\" }}", [h, d, u, p])
for _ in range(20):
    h, i = ihost(), ip()
    add("java-stack", f"org.springframework.web.client.ResourceAccessException: I/O error on POST request for \"https://{h}:8443/internal/settlements\": Connection refused\n"
        f"\tat org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:791)\n"
        f"\tat com.acme.settle.client.SettleClient.post(SettleClient.java:{rnd.randint(40,400)})\n"
        f"Caused by: java.net.ConnectException: Connection refused: {h}/{i}:8443\n"
        f"\tat java.base/sun.nio.ch.Net.connect0(Native Method)\n\t... 42 common frames omitted", [h, i])
for _ in range(15):
    h = host()
    add("dotnet-stack", f"System.Net.Http.HttpRequestException: No such host is known. ({h}:443)\n"
        f" ---> System.Net.Sockets.SocketException (11001): No such host is known.\n"
        f"   at System.Net.Http.ConnectHelper.ConnectAsync(Func`3 callback, DnsEndPoint endPoint, HttpRequestMessage requestMessage, CancellationToken cancellationToken)\n"
        f"   at Argus.Orders.Api.PaymentClient.ChargeAsync(ChargeRequest request) in /src/Orders.Api/PaymentClient.cs:line {rnd.randint(20,300)}", [h])
for _ in range(25):
    pd, nh, i = pod(), ec2host(), ip()
    add("alert", f"[ARGUS-APM] Phase: PRODUCTION | Severity: CRITICAL | Service: {rnd.choice(SVCS)}-api v2.4.{rnd.randint(0,9)}\n"
        f"Transaction /api/v1/orders p95={rnd.randint(500,3000)}.{rnd.randint(0,9)} ms (threshold 800 ms) error rate 4.2%\n"
        f"Pod: {pd} Node: {nh} PodIP: {i}\nStarted 2025-06-17 14:03 KST, duration 12m", [pd, nh, i])
for _ in range(30):
    n, m, r = rnd.choice(NAMES_KO), mobile(), rrn()
    l = landline()
    add("korean", f"고객 {n}님(주민등록번호 {r})의 연락처 {m}로 결제 완료 문자 발송이 실패했습니다. 대표번호 {l}로 문의 바랍니다. 처리 시간 1.5s, 재시도 3회.", [m, r, l])
for _ in range(10):
    e, m = email(), mobile()
    add("korean", f"[알림] 회원 탈퇴 요청 처리 중 오류 발생 — 이메일: {e}, 휴대폰: {m}, 요청 시각 2025-06-17 09:41:07", [e, m])
for _ in range(30):
    e, m, c, i, u = email(), mobile(), card(), ip(), uuid()
    add("json", json.dumps({"event": "payment.failed", "orderId": 42, "customer": {"id": u, "email": e, "phone": m},
        "payment": {"method": "card", "number": c, "amount": 129000, "currency": "KRW"}, "clientIp": i, "latencyMs": ms(), "version": "1.4.2"}, ensure_ascii=False), [e, m, c, i])
for _ in range(30):
    i, e, h = ip(), email(), ihost()
    add("log", f"{ts()} INFO [http-nio-8080-exec-{rnd.randint(1,20)}] c.a.o.web.OrderController : POST /api/v1/orders from {i} user={e} upstream={h}:8080 status=201 took {ms()} ms", [i, e, h])
for _ in range(10):
    i6, h = ip6(), k8shost()
    add("log", f"{ts()} WARN grpc-client: dial tcp [{i6}]:50051: connect: connection refused (target {h}:50051, backoff 1.6s)", [i6, h])
for _ in range(25):
    j, h, oid = jwt(), host(), num_id()
    add("http", f"POST /api/v2/orders/{oid}/refund HTTP/1.1\r\nHost: {h}\r\nAuthorization: Bearer {j}\r\nContent-Type: application/json\r\nX-Request-Id: req-42\r\n\r\n{{\"reason\":\"duplicate\"}}", [j, h])
for _ in range(15):
    h, uid, oid = host(), uuid(), num_id()
    add("url", f"Request failed: GET https://{h}/admin/customers/{uid}/orders/{oid}?include=items&page=2 returned 503 after {ms()} ms", [h, uid, oid])
for _ in range(20):
    pd, nh = pod(), ec2host()
    add("k8s", f"LAST SEEN   TYPE      REASON      OBJECT                                MESSAGE\n"
        f"2m          Warning   BackOff     pod/{pd}   Back-off restarting failed container app in pod {pd}_shop-prod\n"
        f"5m          Normal    Scheduled   pod/{pd}   Successfully assigned shop-prod/{pd} to {nh}\n"
        f"5m          Warning   Unhealthy   pod/{pd}   Readiness probe failed: Get \"http://10.42.{rnd.randint(0,255)}.{rnd.randint(1,254)}:8080/health\": dial tcp: i/o timeout", [pd, nh])
for _ in range(15):
    k, s, a = akia(), awssecret(), apikey()
    add("config", f"[default]\naws_access_key_id = {k}\naws_secret_access_key = {s}\nregion = ap-northeast-2\n\n# payment gateway\nPG_API_KEY={a}\nTIMEOUT_MS=8000", [k, s, a])
for _ in range(10):
    a, p = apikey(), pw()
    add("config", f"{{\"apiKey\": \"{a}\", \"retries\": 3, \"db\": {{\"password\": \"{p}\", \"poolSize\": 10}}, \"featureFlags\": [\"new-checkout\"]}}", [a, p])
for _ in range(8):
    b = pem()
    add("pem", f"Loaded signing key from vault:\n-----BEGIN RSA PRIVATE KEY-----\n{b}\n-----END RSA PRIVATE KEY-----\nkey size 2048 bits", [line for line in b.split("\n")])
for _ in range(12):
    i, h, e = ip(), host(), email()
    add("mixed", f"Deploy 2025.06.17-1 of checkout v3.2.0 to {h} ({i}) by {e}: 12 files changed, migration V42__add_index.sql applied in 1.2s, Program.cs and appsettings.json updated", [i, h, e])

json.dump(samples, open("corpus.json", "w", encoding="utf-8"), ensure_ascii=False, indent=1)
print(len(samples), "samples")
