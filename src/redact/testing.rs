//! Test corpus for `redact`: realistic log lines with planted secrets, and look-alikes
//! that must come out unchanged.
//!
//! No credential appears whole in this file. Each fake secret is joined from parts at run
//! time ([`join`]), so secret scanners that read the source find nothing to flag; where a
//! vendor documents an example value (AWS's `AKIAIOSFODNN7EXAMPLE`, jwt.io's token, the
//! public test card numbers) that value is used.

/// A log line with one secret planted in it.
pub struct Planted {
    /// Kind the marker must name: the line must come out with `[REDACTED:kind]`.
    pub kind: &'static str,
    /// The secret itself; no part of it may survive.
    pub secret: String,
    /// The full line, `secret` included.
    pub line: String,
}

/// Joins the parts of a fake secret.
fn join(parts: &[&str]) -> String {
    parts.concat()
}

/// Plants `secret` where the template says `{S}`.
fn plant(kind: &'static str, secret: &str, template: &str) -> Planted {
    assert!(
        template.contains("{S}"),
        "template without {{S}}: {template}"
    );
    Planted {
        kind,
        secret: secret.to_owned(),
        line: template.replace("{S}", secret),
    }
}

/// A PEM block with the given label (`RSA PRIVATE`, …), fake body lines and newline.
fn pem(label: &str, body: &[&str], newline: &str) -> String {
    let mut block = join(&["-----BEGIN ", label, " KEY-----", newline]);
    for line in body {
        block.push_str(line);
        block.push_str(newline);
    }
    block + &join(&["-----END ", label, " KEY-----"])
}

const FAKE_KEY_BODY: [&str; 3] = [
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCfakeFAKEfake0",
    "NotARealKeyJustBase64LookingFillerForTheRedactionTestsAbCdEf012",
    "ZZZZfakefakefakefake0123456789+/0123456789abcdefABCDEF==",
];

/// The planted secrets, grouped by kind.
#[rustfmt::skip]
pub fn planted() -> Vec<Planted> {
    let aws_id = join(&["AKIA", "IOSFODNN7EXAMPLE"]);
    let aws_temp_id = join(&["ASIA", "Q3EXAMPLEKEYID7Z"]);
    let aws_secret = join(&["wJalrXUtnFEMI/K7MDENG", "/bPxRfiCYEXAMPLEKEY"]);
    // jwt.io's example token, and a short one.
    let jwt = join(&["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ", ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"]);
    let jwt2 = join(&["eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0", ".eyJzdWIiOiJ1XzQyIn0", ".c2lnbmF0dXJlLWZha2UtMTIz"]);
    let ghp = join(&["ghp_", "FAKE0a1b2c3d4e5f6g7h8i9j0kLmNoPqRsTuV"]);
    let sk_proj = join(&["sk-", "proj-", "FAKEab12cd34ef56gh78ij90kl12mn34op56qr78st90_uv-wx12yz"]);
    let hex64 = "0123456789abcdef".repeat(4);

    vec![
        // ---- private_key
        plant("private_key", &pem("RSA PRIVATE", &FAKE_KEY_BODY, "\n"), "2024-05-01T10:00:00Z ERROR bad config dump:\n{S}\nat Config.load (config.js:12:5)"),
        plant("private_key", &pem("PRIVATE", &FAKE_KEY_BODY, "\\n"), r#"{"level":"error","msg":"gcp auth","private_key":"{S}\n","client_id":"1234"}"#),
        plant("private_key", &pem("OPENSSH PRIVATE", &FAKE_KEY_BODY, "\r\n"), "deploy key:\r\n{S}\r\nssh: handshake failed"),
        // A JSON log line carried as a string in another JSON document: `\\n` newlines.
        plant("private_key", &pem("PRIVATE", &FAKE_KEY_BODY, "\\\\n"), r#"{"event":"{\"msg\":\"loaded key {S}\"}"}"#),
        plant("private_key", &pem("EC PRIVATE", &FAKE_KEY_BODY[..2], "\n    "), "tls:\n  key: |\n    {S}\n  cert: /etc/tls/cert.pem"),
        plant("private_key", &join(&["-----BEGIN ", "PRIVATE KEY-----\\n", FAKE_KEY_BODY[0], "\\n", FAKE_KEY_BODY[1]]), r#"{"msg":"loaded key {S}… (truncated)"}"#),
        plant("private_key", &pem("RSA PRIVATE", &["Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,3F17F5316E2BAC89", "", FAKE_KEY_BODY[1]], "\n"), "key file contents: {S} (encrypted)"),
        plant("private_key", &pem("PGP PRIVATE KEY BLOCK", &FAKE_KEY_BODY, "\n") .replace("KEY BLOCK KEY", "KEY BLOCK"), "gpg import failed for\n{S}\n"),
        // ---- jwt
        plant("jwt", &jwt, "GET /api/orders 401 Authorization: Bearer {S}"),
        plant("jwt", &jwt, r#"{"ts":"2024-05-01T10:00:00Z","id_token":"{S}","aud":"web"}"#),
        plant("jwt", &jwt2, "302 Location: https://app.example.com/callback#access_token={S}&state=af0ifjsldkj"),
        // A vendor cut the field short: header and payload, no signature.
        plant("jwt", &jwt[..jwt.rfind('.').unwrap() - 6], "release {S}"),
        plant("jwt", &jwt2, "jwt.exceptions.ExpiredSignatureError: Signature has expired (token={S})"),
        plant("jwt", &jwt, "[{S}]"),
        plant("jwt", &jwt2, r#"{"body":"{\"token\":\"{S}\"}"}"#),
        // ---- aws_access_key
        plant("aws_access_key", &aws_id, r#"{"errorCode":"AccessDenied","userIdentity":{"accessKeyId":"{S}"}}"#),
        plant("aws_access_key", &aws_id, "level=warn msg=\"stale key\" key_id={S} region=eu-west-1"),
        plant("aws_access_key", &aws_id, "GET https://bucket.s3.amazonaws.com/x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={S}%2F20240501%2Feu-west-1%2Fs3%2Faws4_request"),
        plant("aws_access_key", &aws_temp_id, "botocore.exceptions.ClientError: ExpiredToken for {S}: The security token included in the request is expired"),
        plant("aws_access_key", &aws_temp_id, "<AccessKeyId>{S}</AccessKeyId>"),
        plant("aws_access_key", &aws_id, "{S}"),
        // ---- aws_secret_key
        plant("aws_secret_key", &aws_secret, "env: AWS_REGION=eu-west-1 AWS_SECRET_ACCESS_KEY={S} HOME=/root"),
        plant("aws_secret_key", &aws_secret, "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = {S}\n"),
        plant("aws_secret_key", &aws_secret, r#"{"Credentials":{"SecretAccessKey":"{S}","Expiration":"2024-05-01T11:00:00Z"}}"#),
        plant("aws_secret_key", &aws_secret, "<SecretAccessKey>{S}</SecretAccessKey>"),
        plant("aws_secret_key", &aws_secret, "exec: aws configure set --aws-secret-access-key {S} --profile ci"),
        plant("aws_secret_key", &aws_secret, "boto3.client('s3', aws_secret_access_key='{S}')"),
        plant("aws_secret_key", &aws_secret, "credentials:\n  secretAccessKey: {S}\n"),
        // ---- anthropic_key / openai_key
        plant("anthropic_key", &join(&["sk-ant-", "api03-", "FAKEabcdefghijklmnop0123456789_ABCDEFGH-ijkl"]), "POST /v1/messages headers={x-api-key: {S}, anthropic-version: 2023-06-01}"),
        plant("anthropic_key", &join(&["sk-ant-", "api03-", "FAKE0123456789abcdefghij"]), "ANTHROPIC_API_KEY={S}"),
        plant("anthropic_key", &join(&["sk-ant-", "admin01-", "FAKE9876543210zyxwvutsrq"]), r#"{"provider":"anthropic","key":"{S}"}"#),
        plant("openai_key", &sk_proj, "openai.AuthenticationError: Incorrect API key provided: {S}."),
        plant("openai_key", &join(&["sk-", "FAKE1234567890abcdefT3BlbkFJ1234567890abcdefgh"]), "Authorization: Bearer {S}"),
        plant("openai_key", &sk_proj, r#"config={"llm":{"api_key":"{S}"}}"#),
        plant("openai_key", &join(&["sk-", "svcacct-", "FAKE00112233445566778899aabbccdd"]), "OPENAI_API_KEY=\"{S}\""),
        // ---- github_token
        plant("github_token", &ghp, "GITHUB_TOKEN={S}"),
        plant("github_token", &join(&["gho_", "FAKE1234567890abcdefghijklmnopqrstuv"]), r#"{"oauth":{"token":"{S}"}}"#),
        plant("github_token", &join(&["ghu_", "FAKEzyxwvutsrqponmlkjihgfedcba987654"]), "user-to-server token {S} expired"),
        plant("github_token", &join(&["ghs_", "FAKE16C7e42F292c6912E7710c838347Ae17"]), "fatal: could not read from https://x-access-token:{S}@github.com/acme/api.git"),
        plant("github_token", &join(&["ghr_", "FAKE1B4a2e77838347a7E420ce178F2E7c6912"]), "refresh={S};"),
        plant("github_token", &join(&["github_pat_", "11FAKE0123456789ABCDEF_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZab"]), "-H 'Authorization: token {S}'"),
        plant("github_token", &ghp, "    at Octokit.request (/app/node_modules/@octokit/core/index.js:42:7) token={S}"),
        // ---- slack
        plant("slack_token", &join(&["xoxb-", "123456789012-1234567890123-FAKEaBcDeFgHiJkLmNoPqRsT"]), r#"{"slack":{"bot_token":"{S}"}}"#),
        plant("slack_token", &join(&["xoxp-", "123456789012-123456789012-123456789012-fakeabcdef0123456789abcdef012345"]), "Authorization: Bearer {S}"),
        plant("slack_token", &join(&["xapp-", "1-A0123456789-1234567890123-fakeabcdef0123456789"]), "SLACK_APP_TOKEN={S}"),
        plant("slack_token", &join(&["xoxe.", "xoxp-", "1-FAKEMi0yLTEyMzQ1Njc4OTAxMi0xMjM0NQ"]), "rotating token: {S}"),
        plant("slack_webhook", "T00000000/B00000000/FAKEXXXXXXXXXXXXXXXXXXXX", r#"{"msg":"post failed","url":"https://hooks.slack.com/services/{S}","status":404}"#),
        plant("slack_webhook", "T0FAKE123/B0FAKE456/abcdefFAKE1234567890", "reqwest::Error { url: \"https://hooks.slack.com/services/{S}\", kind: Status(500) }"),
        plant("slack_webhook", "T01234567/B01234567/FAKEfakeFAKEfakeFAKE", "notify.slack.webhook_url = https://hooks.slack.com/services/{S}"),
        plant("teams_webhook", "FAKEa1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ012", "POST https://prod-12.westeurope.logic.azure.com:443/workflows/0a1b2c3d4e5f/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={S} -> 400"),
        plant("teams_webhook", "FAKE-sig_0123456789abcdefGHIJ", r#"{"teams_url":"https://default0a1b2c.3d.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/abc/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={S}"}"#),
        plant("teams_webhook", "0a1b2c3d-0000-4000-8000-000000000000@0a1b2c3d-1111-4111-8111-111111111111/IncomingWebhook/FAKE0123456789abcdef/0a1b2c3d-2222-4222-8222-222222222222", "webhook=https://acme.webhook.office.com/webhookb2/{S} status=410"),
        // ---- stripe / google / linear / sentry
        plant("stripe_key", &join(&["sk_live_", "FAKE51HxYzAbCdEfGhIjKlMnOp"]), "stripe.error.AuthenticationError: Invalid API Key provided: {S}"),
        plant("stripe_key", &join(&["rk_live_", "FAKE0123456789abcdefghij"]), "STRIPE_KEY={S}"),
        plant("stripe_key", &join(&["sk_test_", "FAKE4eC39HqLyjWDarjtT1zdp7dc"]), r#"{"stripe_secret":"{S}"}"#),
        plant("stripe_key", &join(&["whsec_", "FAKEabcdefghijklmnopqrstuvwxyz012345"]), "webhook signing secret is {S}"),
        plant("google_api_key", &join(&["AIza", "SyFAKE-0123456789abcdefghijklmnopqr"]), "GET https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key={S} 403"),
        plant("google_api_key", &join(&["AIza", "SyFAKE_abcdefghijklmnopqrstuvwxyz01"]), r#"{"firebase":{"apiKey":"{S}"}}"#),
        plant("google_api_key", &join(&["AIza", "SyFAKE9876543210zyxwvutsrqponmlkjih"]), "({S})"),
        plant("linear_token", &join(&["lin_api_", "FAKE0123456789abcdefghijklmnopqrstuvwxyz"]), "POST https://api.linear.app/graphql Authorization: {S} -> 401"),
        plant("linear_token", &join(&["lin_api_", "FAKEzyxwvutsrqponmlkjihgfedcba9876543210"]), "LINEAR_API_KEY={S}"),
        plant("linear_token", &join(&["lin_oauth_", "FAKE", &hex64[..60]]), r#"{"linear":{"access":"{S}"}}"#),
        plant("sentry_token", &join(&["sntrys_", "eyJpYXQiOjE3MTQ1NTc2MDAsInVybCI6IkZBS0UifQ==_FAKEabcdefghijklmnopqrstuvwxyz0123456789AB"]), "SENTRY_ORG_TOKEN={S}"),
        plant("sentry_token", &join(&["sntryu_", &hex64]), "curl -H \"Authorization: Bearer {S}\" https://sentry.io/api/0/organizations/acme/issues/"),
        plant("sentry_token", &hex64, "SENTRY_AUTH_TOKEN={S}"),
        plant("sentry_token", &hex64, "sentry auth token: {S} (from env)"),
        plant("sentry_token", &hex64, r#"{"sentry":{"auth":"{S}"}}"#),
        // ---- passwords in URLs
        plant("password", "s3cr3tPass", "sqlx: error connecting to postgres://app:{S}@db.internal:5432/orders"),
        plant("password", "pa55word", "DATABASE_URL=mysql://root:{S}@10.0.0.5/shop?charset=utf8"),
        plant("password", "redisPw123", "redis::RedisError: connection refused (redis://:{S}@cache:6379/0)"),
        plant("password", "guest42", "amqp://guest:{S}@rabbit.internal:5672/%2F"),
        plant("password", "p@ss:w0rd", "GET https://admin:{S}@internal.example.com/metrics 401"),
        plant("password", "Mongo-Pw_2024", r#"{"uri":"mongodb+srv://svc:{S}@cluster0.abcde.mongodb.net/prod"}"#),
        // ---- password assignments
        plant("password", "hunter2", "login failed user=bob password={S} ip=10.0.0.1"),
        plant("password", "correct horse battery", r#"{"user":"bob","password":"{S}"}"#),
        plant("password", "Sup3rSecret", r#"{"msg":"request body {\"username\":\"bob\",\"password\":\"{S}\"}"}"#),
        plant("password", "db-pass-1", "DB_PASSWORD={S}"),
        plant("password", "springPw9", "spring.datasource.password = {S}"),
        plant("password", "yaml pass 7", "database:\n  password: \"{S}\"\n"),
        plant("password", "unquotedYaml", "database:\n  db_password: {S}\n"),
        plant("password", "cliPass77", "exec: mysql -u root --password {S} -h db"),
        plant("password", "xmlPass", "<user><name>bob</name><password>{S}</password></user>"),
        plant("password", "passwdValue", "passwd={S}&user=bob"),
        plant("password", "rustDebug", "Config { host: \"db\", password: Some(\"{S}\"), port: 5432 }"),
        plant("password", "py-pass", "psycopg2.connect(host='db', password='{S}')"),
        plant("password", "jdbcPw", "jdbc:postgresql://db:5432/app?user=app&password={S}&ssl=true"),
        plant("password", "confirmPw", "params: password_confirmation={S}"),
        plant("password", "$2b$12$FAKEbcryptHashValue0123", "UPDATE users SET password_hash = '{S}' WHERE id = 7"),
        plant("password", "loose123", "Password: {S}"),
        plant("password", "mssqlPwd", "Server=db;Database=app;User Id=sa;db_pwd={S};"),
        // ---- secret / token / api_key assignments
        plant("secret", "cs_0123456789abcdef", "POST /oauth/token client_id=web&client_secret={S}&grant_type=client_credentials"),
        plant("secret", "oauth-client-secret", r#"{"client_secret": "{S}"}"#),
        plant("secret", "9f8e7d6c5b4a39281706f5e4d3c2b1a0", "SECRET_KEY_BASE={S}"),
        plant("secret", "whk_secret_value", "webhook_secret: {S}"),
        plant("secret", "9f8e7d6c5b4a", "secret: {S}"),
        plant("token", "ya29-FAKE-access", "GET /cb?code=abc&access_token={S}&expires_in=3599"),
        plant("token", "rt_FAKE_0123456789", r#"{"refresh_token":"{S}","token_type":"Bearer"}"#),
        plant("token", "abc123def456ghi", "X-Auth-Token: {S}"),
        plant("token", "tok9876543210", "token: {S}"),
        plant("token", "csrfVal0e", "csrf_token={S}"),
        plant("token", "IQoJb3JpZ2luX2VjEFAKE%2F%2Fwest", "https://bucket.s3.amazonaws.com/a.txt?X-Amz-Security-Token={S}&X-Amz-Date=20240501T000000Z"),
        plant("token", "sess-tok-42", "session_token => \"{S}\""),
        plant("token", "glpat-FAKEabcdefghij", "PRIVATE-TOKEN={S}"),
        plant("api_key", "key_0123456789", "GET /v2/quote?symbol=ACME&api_key={S}"),
        plant("api_key", "a1b2c3d4e5f6", "x-api-key: {S}"),
        plant("api_key", "fakeApiKeyValue", r#"{"apiKey": "{S}"}"#),
        plant("api_key", "base64:FAKEq8KM0D3hTg1vJxkPn5QwErTyUiOp=", "APP_KEY={S}"),
        plant("api_key", "abcdef0123456789", "https://api.example.com/v1/items?apikey={S}"),
        plant("api_key", "ak-live-998877", "access_key: {S}"),
        plant("api_key", "FAKEazureStorageKey0123456789+/abcdEFGH==", "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={S};EndpointSuffix=core.windows.net"),
        // ---- authorization headers
        plant("bearer_token", "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c", "Authorization: Bearer {S}"),
        plant("bearer_token", "opaque.token-value_42", "curl -s -H 'Authorization: Bearer {S}' https://api.internal/v1/me"),
        plant("bearer_token", "abcdefghijklmnop", r#"{"headers":{"authorization":"Bearer {S}","accept":"*/*"}}"#),
        plant("bearer_token", "tok_live_0011223344", "forwarding Bearer {S} to upstream"),
        plant("bearer_token", "lowercase00token", "authorization: bearer {S}"),
        plant("basic_auth", "dXNlcjpwYXNzd29yZA==", "Authorization: Basic {S}"),
        plant("basic_auth", "YWRtaW46c2VjcmV0", r"headers={'Authorization': 'Basic {S}'}"),
        plant("basic_auth", "Ym9iOmh1bnRlcjI=", "Proxy-Authorization: Basic {S}\r\nHost: example.com"),
        plant("authorization", "0123abcd4567ef89", "Authorization: token {S}"),
        plant("authorization", "k9x7w5v3u1t0", "Authorization: {S}"),
        plant("cookie", "sessionid=FAKE0123456789abcdef; csrftoken=FAKEfedcba9876543210", "GET / HTTP/1.1\r\nCookie: {S}\r\nAccept: */*"),
        plant("cookie", "sid=s%3AFAKEabc123.def456; Path=/; HttpOnly; Secure", "Set-Cookie: {S}"),
        plant("cookie", &join(&["session=", &jwt]), r#"{"cookie":"{S}","path":"/"}"#),
        // ---- signed URLs
        plant("signature", &hex64, "GET https://bucket.s3.amazonaws.com/a.txt?X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature={S} 403"),
        plant("signature", "FAKEsasSig%2Babc123%3D", "https://acct.blob.core.windows.net/c/b.bin?sv=2022-11-02&se=2024-05-02&sp=r&sig={S}"),
        plant("signature", &hex64, "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature={S}"),
        // ---- email
        plant("email", "ana.lopez@example.com", r#"{"level":"info","user":{"email":"{S}","id":42}}"#),
        plant("email", "bob@corp.example.co.uk", "password reset sent to {S}."),
        plant("email", "carol+alerts@example.org", "From: Carol <{S}>"),
        plant("email", "dave@example.net", "mailto:{S}?subject=Outage"),
        plant("email", "erin%40example.com", "GET /unsubscribe?email={S}&list=weekly 200"),
        plant("email", "FRANK.SMITH@EXAMPLE.COM", "UserNotFound(email={S})"),
        plant("email", "josé.müller@exemple.fr", "Benutzer {S} hat sich angemeldet"),
        plant("email", "grace@mail.example.io", "    at sendMail (mailer.js:10:3) to=[{S}]"),
        plant("email", "henry@example.com", "{S}"),
        // ---- card_number
        plant("card_number", "4111111111111111", "charge failed card={S} amount=10.00"),
        plant("card_number", "5555 5555 5555 4444", "payment: {S} declined"),
        plant("card_number", "4242-4242-4242-4242", r#"{"pan":"{S}","exp":"12/29"}"#),
        plant("card_number", "3782 822463 10005", "amex {S} rejected"),
        plant("card_number", "6011111111111117", "ERROR 1062 (23000): Duplicate entry '{S}' for key 'cards.pan'"),
        plant("card_number", "3530111333300000", "(jcb:{S})"),
        plant("card_number", "2223003122003222", "card {S}"),
        plant("card_number", "30569309025904", "diners={S};"),
        plant("card_number", "5105-1051-0510-5100", "[{S}]"),
        plant("card_number", "4012888888881881", "{S}"),
    ]
}

/// Lines that look like they hold secrets but do not; they must come out byte-identical.
pub fn look_alikes() -> Vec<String> {
    let mut lines: Vec<String> = [
        "order ord_12345 created for cart crt_998 (customer cus_0042)",
        "deployed commit 9fceb02d0ae598e95dc970b74767f19372d61af8 to prod",
        "Merge: 1a2b3c4 5d6e7f8",
        "request_id=3f2504e0-4f89-11d3-9a0c-0305e82c3301 status=500",
        "X-Request-Id: 5f2b9c1e8a7d4e3f9b6a1c2d3e4f5a6b",
        "segfault at 0x7ffd5c3b2a10 ip 0x00005581f2e4b1c3 sp 0x00007ffd5c3b2a08 error 4",
        "2024-05-01T10:00:00.123456Z INFO started in 42ms",
        "ts=1714557600123 level=info msg=tick",
        "event at 1714557600123456789 ns",
        "client 10.0.12.7:53122 -> 192.168.1.20:443 reset; v6 2001:db8::8a2e:370:7334",
        "version=1.27.3-rc.1+build.4242 go1.22.3",
        "rustc 1.95.0 (59807616e 2026-04-14)",
        "invoice 4111111111111112 not found",
        "account 5555555555554445 closed",
        "invalid token for user 42",
        "Refreshing token: attempt 3 of 5",
        "error validating token: signature mismatch",
        "TokenExpiredError: jwt expired at 2024-05-01T10:00:00Z",
        "usage max_tokens=4096 input_tokens=1234 output_tokens=567 tokenizer=cl100k_base",
        "password reset email queued for user_id=981",
        "payload=eyJvcmRlcl9pZCI6MTIzfQ== queue=orders",
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
        "open /var/lib/app/secrets/README.md: permission denied",
        "    at verify (/app/src/auth/token.rs:42:13)",
        "let sk = skew(x); locale=sk lang=sk-SK",
        "pip install sk-learn-compatible-estimators",
        "PacketResponder 0 for block blk_-6952295868487656571 terminating",
        "assumed role arn:aws:iam::123456789012:role/triaged-readonly (AROAJQABLZS4A3QDU576Q)",
        "    at com.example.OrderService.lambda$process$0(OrderService.java:142) on java.lang.Object@6d06d69c",
        "GET /static/img/logo@2x.png 200 1532",
        "git clone git@github.com:acme/triaged.git",
        "npm ERR! peer @babel/core@7.22.5 required",
        "image ghcr.io/acme/api@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 pulled",
        "Cookie: missing",
        "Authorization header missing",
        "authorization: denied for role viewer",
        "bearer authentication failed",
        "secretName: db-credentials",
        "password_length=12 password_min=8 has_password=false",
        "PWD=/home/app OLDPWD=/tmp",
        "latency=0.4111111111111111s",
        "trace trace-4111111111111111-span started",
        "received sig=15, shutting down",
        "TOKEN_TTL=3600 token_type=bearer",
        "email sent to 3 recipients",
        "2024/05/01/[$LATEST]9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        "sentry event_id=fc6d8c0c43fc4630ad850ee518f1b9d0 dsn=https://fc6d8c0c43fc4630ad850ee518f1b9d0@o123.ingest.sentry.io/456",
        "credit limit 5000 for card ending 4242",
        "Benutzer „Jürgen“ hat sich angemeldet — 成功 ✓",
        "https://api.linear.app/graphql https://sentry.io/organizations/acme/issues/123/",
        "ssh://deploy@web-01.example.com:22",
        "jwt.decode failed: Not enough segments",
        "header eyJhbGciOiJIUzI1NiJ9 only",
        "expected AKIA prefix for access key ids",
        "price 4111.11 USD",
        "password: too short",
        "login failed password= user=bob status=401",
        "token=null secret=*** password=${DB_PASSWORD}",
        "Set-Cookie header rejected: SameSite=None requires Secure",
        "user 12345678 balance 2024 1234 5678 901",
        "sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "epoch_us=1714557600123456",
        "phone=+4915112345678901",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    // Public material: a certificate and a public key are not secrets.
    lines.push(join(&[
        "-----BEGIN ",
        "CERTIFICATE-----\n",
        FAKE_KEY_BODY[0],
        "\n-----END ",
        "CERTIFICATE-----",
    ]));
    lines.push(join(&[
        "-----BEGIN ",
        "PUBLIC KEY-----\n",
        FAKE_KEY_BODY[1],
        "\n-----END ",
        "PUBLIC KEY-----",
    ]));
    // Stripe's publishable keys are public by design.
    lines.push(join(&[
        "Stripe.setPublishableKey('",
        "pk_live_",
        "FAKE51HxYzAbCdEfGhIjKlMnOp",
        "')",
    ]));
    lines
}
