using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mall.Features.Payments;
using Mall.Features.Payments.Alipay;
using Mall.Features.Payments.WeChatPay;
using Microsoft.AspNetCore.WebUtilities;

namespace Mall.Tests.Payments;

/// <summary>
/// The crypto against the published vectors (payments-protocol.md §1.9 / §2.7; files in Vectors/). These run
/// without the API, database or Redis.
/// </summary>
public sealed class PaymentCryptoVectorTests
{
    private static string Vector(string file, [CallerFilePath] string here = "") =>
        File.ReadAllText(Path.Combine(Path.GetDirectoryName(here)!, "Vectors", file));

    private static JsonElement Derived(string name) => JsonDocument.Parse(Vector("derived_fixtures.json")).RootElement.GetProperty(name);

    private const string V1Signature = "BKyAfU4iMCuvXMXS0Wzam3V/cnxZ+JaqigPM5OhljS2iOT95OO6Fsuml2JkFANJU9K6q9bLlDhPXuoVz+pp4hAm6pHU4ld815U4jsKu1RkyaII+1CYBUYC8TK0XtJ8FwUXXz8vZHh58rrAVN1XwNyvD1vfpxrMT4SL536GLwvpUHlCqIMzoZUguLli/K8V29QiOhuH6IEqLNJn8e9b3nwNcQ7be3CzYGpDAKBfDGPCqCv8Rw5zndhlffk2FEA70G4hvMwe51qMN/RAJbknXG23bSlObuTCN7Ndj1aJGH6/L+hdwfLpUtJm4QYVazzW7DFD27EpSQEqA8bX9+8m1rLg==";

    [Fact]
    public void WeChat_V1_sha256_rsa_signature_matches_the_go_sdk_and_verifies()
    {
        using var key = KeyMaterial.PrivateKey(Vector("wx_go_test_private_key.pem"));
        Assert.Equal(V1Signature, WeChatPayCrypto.Sign(key, "source"));
        using var pub = KeyMaterial.PublicKey(Vector("wx_go_test_platform_cert_D7CE59D1F522D701.pem"));
        Assert.True(WeChatPayCrypto.Verify(pub, "source", V1Signature));
        Assert.False(WeChatPayCrypto.Verify(pub, "wrong source", V1Signature));
        Assert.False(WeChatPayCrypto.Verify(pub, "", V1Signature));
        Assert.False(WeChatPayCrypto.Verify(pub, "source", ""));
        Assert.False(WeChatPayCrypto.Verify(pub, "source", "invalid base64 signature"));
    }

    [Fact]
    public void WeChat_V2_aes_gcm_with_the_go_sdk_vector_decrypts_and_rejects_garbage()
    {
        var key = Encoding.UTF8.GetBytes("testAPIv3Key0000");
        var plain = WeChatPayCrypto.Decrypt(key, "wCq51qZv4Yfg", "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8", "FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC");
        Assert.Equal("Hello World", Encoding.UTF8.GetString(plain));
        Assert.Throws<FormatException>(() => WeChatPayCrypto.Decrypt(key, "wCq51qZv4Yfg", "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8", "invalid cipher"));
        Assert.ThrowsAny<CryptographicException>(() => WeChatPayCrypto.Decrypt(key, "wCq51qZv4Yfg", "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8", "SGVsbG8gV29ybGQK"));
        Assert.ThrowsAny<CryptographicException>(() => WeChatPayCrypto.Decrypt(Encoding.UTF8.GetBytes("testAPIv3Key1111"), "wCq51qZv4Yfg",
            "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8", "FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC"));
    }

    private const string V3Body = """{"id":"3119dfba-e649-5eec-ab1e-3412bc4d2e17","create_time":"2021-06-24T16:37:26+08:00","resource_type":"encrypt-resource","event_type":"PAYSCORE.USER_OPEN_SERVICE","summary":"签约成功","resource":{"original_type":"payscore","algorithm":"AEAD_AES_256_GCM","ciphertext":"YDS3lKPaC4Y52Gf3uhft5qUBlIa8b428AWTtTauHQfQrRw+X1WpiuHIDy0vo1Vd6VEq67aVyqPdDYMkRVSDaZL3iZttevRMOoPKMifozg6XPWjIZumks/GpT48lI4NizyeaqLBokNebthah3o1H76qSlO9NkDjp9bzmKLEYYH9TEklFUpsvPqOTOcgSLgh21YJXYR7dEBXFgRLiNIKRgO5JdXh1hccRUAlyVWxE54PXpnQ==","associated_data":"payscore","nonce":"Kj7QIyUiYx1q"}}""";
    private static readonly WeChatPaySignedHeaders V3Headers = new("1624523846", "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz",
        "tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXFlbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1IBLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY406ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q==",
        "D7CE59D1F522D701");

    private static Dictionary<string, RSA> V3Keys()
    {
        var certificate = KeyMaterial.Certificate(Vector("wx_go_test_platform_cert_D7CE59D1F522D701.pem"));
        // .NET prints the DER serial with its sign byte ("00D7…"); WeChat Pay's header has none.
        Assert.Equal("00D7CE59D1F522D701", certificate.SerialNumber);
        return new Dictionary<string, RSA> { [KeyMaterial.NormalizeSerial(certificate.SerialNumber)] = KeyMaterial.PublicKey(Vector("wx_go_test_platform_cert_D7CE59D1F522D701.pem")) };
    }

    [Fact]
    public void WeChat_V3_notification_verifies_in_certificate_mode_and_decrypts()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1624523846);
        var body = Encoding.UTF8.GetBytes(V3Body);
        Assert.Equal(568, body.Length);
        Assert.Equal(WeChatPayVerdict.Valid, WeChatPayVerifier.Verify(V3Keys(), at, V3Headers, body));

        var resource = JsonDocument.Parse(body).RootElement.GetProperty("resource");
        var plain = WeChatPayCrypto.Decrypt(Encoding.UTF8.GetBytes("testMchAPIv3Key0"), resource.GetProperty("nonce").GetString()!,
            resource.GetProperty("associated_data").GetString(), resource.GetProperty("ciphertext").GetString()!);
        Assert.Equal("""{"mchid":"1234567890","appid":"054aa7d7a2a54ab5898df65bd96f001c","create_time":"2020-06-30T12:12:00+08:00","out_contract_code":"21640bdbd08e473e828f3206a2741c6e"}""",
            Encoding.UTF8.GetString(plain));
    }

    [Fact]
    public void WeChat_V3_notification_is_refused_when_stale_tampered_or_from_an_unknown_serial()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1624523846);
        var body = Encoding.UTF8.GetBytes(V3Body);
        Assert.Equal(WeChatPayVerdict.StaleTimestamp, WeChatPayVerifier.Verify(V3Keys(), at.AddMinutes(5), V3Headers, body));
        Assert.Equal(WeChatPayVerdict.Valid, WeChatPayVerifier.Verify(V3Keys(), at.AddMinutes(4.9), V3Headers, body));
        Assert.Equal(WeChatPayVerdict.BadSignature, WeChatPayVerifier.Verify(V3Keys(), at, V3Headers,
            Encoding.UTF8.GetBytes(V3Body.Replace("签约成功", "签约失败"))));
        Assert.Equal(WeChatPayVerdict.UnknownSerial, WeChatPayVerifier.Verify(V3Keys(), at, V3Headers with { Serial = "F5765756002FDD77" }, body));
        Assert.Equal(WeChatPayVerdict.BadSignature, WeChatPayVerifier.Verify(V3Keys(), at,
            V3Headers with { Signature = "WECHATPAY/SIGNTEST/" + V3Headers.Signature }, body));
        Assert.Equal(WeChatPayVerdict.MissingHeaders, WeChatPayVerifier.Verify(V3Keys(), at, V3Headers with { Nonce = null }, body));
    }

    [Fact]
    public void WeChat_V4_aes_256_gcm_both_directions_with_the_java_sdk_vector()
    {
        var key = Encoding.UTF8.GetBytes("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb");
        Assert.Equal("ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=", WeChatPayCrypto.Encrypt(key, "uluk4a9R25RW", "associatedData", Encoding.UTF8.GetBytes("message")));
        Assert.Equal("message", Encoding.UTF8.GetString(WeChatPayCrypto.Decrypt(key, "uluk4a9R25RW", "associatedData", "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=")));
        Assert.ThrowsAny<CryptographicException>(() => WeChatPayCrypto.Decrypt(key, "uluk4a9R25RW", "bad-associatedData", "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI="));
        Assert.ThrowsAny<CryptographicException>(() => WeChatPayCrypto.Decrypt(key, "bad-4a9R25RW", "associatedData", "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI="));
        Assert.ThrowsAny<CryptographicException>(() => WeChatPayCrypto.Decrypt(key, "uluk4a9R25RW", "associatedData", Convert.ToBase64String(new byte[128])));
    }

    [Fact]
    public void WeChat_V5_request_signature_authorization_and_paySign_match_the_official_examples()
    {
        using var key = KeyMaterial.PrivateKey(Vector("wx_doc_mock_private_key.pem"));
        const string body = """{"appid":"wxd678efh567hg6787","mchid":"1900007291","description":"Image形象店-深圳腾大-QQ公仔","out_trade_no":"1217752501201407033233368018","notify_url":"https://www.weixin.qq.com/wxpay/pay.php","amount":{"total":100,"currency":"CNY"},"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}""";
        var message = WeChatPayCrypto.RequestMessage("POST", "/v3/pay/transactions/jsapi", 1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242", body);
        var signature = WeChatPayCrypto.Sign(key, message);
        Assert.Equal("jnks4dlrPw3ZX+ozVvSK39oa0t7OMBsg83BHAwd8BRdUFiVaQNTLTvci+wURgP1OQBbKYhFGvt7iqYpDSTQkp7Uq1sltaQKyncCyrA1g88m5bsKERQfPyT0ahSwKTYJ1CAn9QiJuSJRq1QsQs07eehbU/k9BCS51jTyc1Jpsi2H77HF9f/BnjXAOP3/sPObg6V5Ee4EzwLox684hhuMuIwHo7D8KFk3LIHOKDcNI4It1aCXydFWNpNK+SG86VUDe5kwoDpw4Ulqfu9z8OFDGbDs9TCxEv8iqQzbpxOlEVoOe2kalSYM5kApQb3nZcxdUtoE0liJGW3RGUNE0t4v01A==", signature);

        var header = WeChatPayCrypto.AuthorizationValue("1900007291", "593BEC0C930BF1AFEB40B4A08C8FB242", 1554208460, "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C", signature);
        var parsed = WeChatPayCrypto.ParseAuthorization(header)!;
        Assert.Equal(signature, parsed["signature"]);
        Assert.Equal("1554208460", parsed["timestamp"]);
        // The sandbox parser must not depend on the order of the items (PHP SDK order).
        var reordered = WeChatPayCrypto.ParseAuthorization($"WECHATPAY2-SHA256-RSA2048 mchid=\"1\",serial_no=\"S\",timestamp=\"2\",nonce_str=\"N\",signature=\"X\"")!;
        Assert.Equal("N", reordered["nonce_str"]);

        Assert.Equal("GET\n/v3/certificates\n1624523846\nA1B2C3D4E5F6G7\n\n",
            WeChatPayCrypto.RequestMessage("GET", "/v3/certificates", 1624523846, "A1B2C3D4E5F6G7", ""));
        Assert.Equal("POST\n/v3/certificates\n1624523846\nA1B2C3D4E5F6G7\nHello World!\n\n",
            WeChatPayCrypto.RequestMessage("POST", "/v3/certificates", 1624523846, "A1B2C3D4E5F6G7", "Hello World!\n"));

        var paySign = WeChatPayCrypto.Sign(key, WeChatPayCrypto.PaySignMessage("wx2421b1c4370ec43b", "1554208460",
            "593BEC0C930BF1AFEB40B4A08C8FB242", "prepay_id=wx201410272009395522657a690389285100"));
        Assert.Equal("mI35pfNEQV6777ke/1T+LJLQDNTm7yeoUJH+j/adPGhmCCi0PbgkvYQTRcXH0uibcLVtvFLdGLpmoYO9FV6lBBsTAjuhh5YOvQi0e2g3e0yytitiNET9FEuqM0pjnKfRW4K6LIZDdbWJv9KhZUx3DrJa5TL7OJ7VdADVivxVySIlPVKjGwuCXzuXSJes0UcILgWQUMyha5/3nYofuHtS7r+KYyMuxD+oJ9VM1Qdxk4UIG59CP5Y3wtYIFybyF3bdu1caHTRRX+DLyMXyYA/IrTmiW01c4RPjpHBX5Dk1sZyY1zVsWNsvMHr2e1NTWtBxKJ+qk5N61J7caYoepHFaxw==", paySign);
    }

    [Fact]
    public void WeChat_V6_response_verifies_in_public_key_mode()
    {
        const string pem = """
            -----BEGIN PUBLIC KEY-----
            MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwXNI6sdlknHBnK8Fu2U6
            Cwor9qY747jP8KAfeBMeveEt1TqaHkLfaSD07trZLhGpfs8/AHqjhgSMO1O10YQW
            OrrJ4hjIWPKqxbgrYMkBQc+mwdiWp4W3ByCqxBRagCveCXRWCmuJYovl9H/bsDI0
            iGbpVtEOghJtfciisYSgxcLufUDTRkvwxjIBK1pCRjk33jJ5YTBWTHMRtMAOcFLN
            F6hdEYdX8SPsgHHeLZ5Lv2T/686w1xtgCHef/sd4uSfWmyzsalQdHG/e4IyYmrhx
            +O3VBoNDzE3nx23bFeV/RVNCG7cV6VhmYokJNHa/erIPkEmEFID6A5wQOXuxUkmJ
            WwIDAQAB
            -----END PUBLIC KEY-----
            """;
        var keys = new Dictionary<string, RSA> { ["PUB_KEY_ID_TEST"] = KeyMaterial.PublicKey(pem) };
        var headers = new WeChatPaySignedHeaders("1722850421", "d824f2e086d3c1df967785d13fcd22ef",
            "mfI1CPqvBrgcXfgXMFjdNIhBf27ACE2YyeWsWV9ZI7T7RU0vHvbQpu9Z32ogzc+k8ZC5n3kz7h70eWKjgqNdKQF0eRp8mVKlmfzMLBVHbssB9jEZEDXThOX1XFqX7s7ymia1hoHQxQagPGzkdWxtlZPZ4ZPvr1RiqkgAu6Is8MZgXXrRoBKqjmSdrP1N7uxzJ/cjfSiis9FiLjuADoqmQ1P7p2N876YPAol7Rn0+GswwAwxldbdLrmVSjfytfSBJFqTMHn4itojgxSWWN1byuckQt8hSTEv/Lg97QoeGniYP17T80pJeQyL3b+295FPHSO2AtvCgyIbKMZ0BALilAA==",
            "PUB_KEY_ID_TEST");
        var body = Encoding.UTF8.GetBytes("""{"code_url":"weixin://wxpay/bizpayurl?pr=JyC91EIz1"}""");
        Assert.Equal(WeChatPayVerdict.Valid, WeChatPayVerifier.Verify(keys, DateTimeOffset.FromUnixTimeSeconds(1722850421), headers, body));
    }

    [Fact]
    public void WeChat_V9_public_key_mode_notification_and_signed_204_verify_and_decrypt()
    {
        var notify = Derived("wechat_notify");
        var h = notify.GetProperty("headers");
        var headers = new WeChatPaySignedHeaders(h.GetProperty("Wechatpay-Timestamp").GetString(), h.GetProperty("Wechatpay-Nonce").GetString(),
            h.GetProperty("Wechatpay-Signature").GetString(), h.GetProperty("Wechatpay-Serial").GetString());
        var keys = new Dictionary<string, RSA> { ["PUB_KEY_ID_0000000000000000000000000000000001"] = KeyMaterial.PublicKey(Vector("java_wechat_pay_public_key.pem")) };
        var body = Encoding.UTF8.GetBytes(notify.GetProperty("body").GetString()!);
        var at = DateTimeOffset.FromUnixTimeSeconds(1704081606);
        Assert.Equal(WeChatPayVerdict.Valid, WeChatPayVerifier.Verify(keys, at, headers, body));

        // Re-serializing the body (here: System.Text.Json escaping 支付成功) breaks the signature: verify raw bytes only.
        var reserialized = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(JsonDocument.Parse(body).RootElement));
        Assert.Equal(WeChatPayVerdict.BadSignature, WeChatPayVerifier.Verify(keys, at, headers, reserialized));

        var resource = JsonDocument.Parse(body).RootElement.GetProperty("resource");
        var plain = WeChatPayCrypto.Decrypt(Encoding.UTF8.GetBytes(notify.GetProperty("api_v3_key").GetString()!), resource.GetProperty("nonce").GetString()!,
            resource.GetProperty("associated_data").GetString(), resource.GetProperty("ciphertext").GetString()!);
        Assert.Equal(notify.GetProperty("decrypted").GetString(), Encoding.UTF8.GetString(plain));

        var empty = Derived("wechat_204_response").GetProperty("headers");
        Assert.Equal(WeChatPayVerdict.Valid, WeChatPayVerifier.Verify(keys, at, new WeChatPaySignedHeaders(
            empty.GetProperty("Wechatpay-Timestamp").GetString(), empty.GetProperty("Wechatpay-Nonce").GetString(),
            empty.GetProperty("Wechatpay-Signature").GetString(), empty.GetProperty("Wechatpay-Serial").GetString()), []));
    }

    [Theory]
    [InlineData(false, "JzoDc8VxY1/w6yN9WdWV10aipS3YcRpK+jw4xfLybf90ZK9L3AHLUJbNLWVnHW3IuLoJbBeSGVxSbPBhe4ggPklcYUkPowgtlZ6YlthuQDtjF23h2obXuXkQRd+RPbDWvOA5AYQjsKH8uSHil5aRARewPIPhukl9Mn4HEovUccsBR/RirQFSGmGYiMM0zvhVSR7pXZDEhiADzvzAkvVVTI1/HbNqcoBU4ctSPAGsuDPO/mah1+IwGQAuPP6xoEPL+3zQ0wztQCwHT2o8aQmxFJ9a09q8ybRprHaNjCgTaLDeTWE0o1pllZIE8c7wnG3cOuj6quYjTcQyLm6P4M87Zw==")]
    [InlineData(true, "KrRGUY3/2JX3KtlLgus8CbK0xuUIBDCpOdJkVzJDefez6HvlA8RA6uCVj2rrMd7DgVfarG5SROdSnkZbf8MLKHbVoFqi9w0QCvto9mc8n3ezfWejZECJVCZhbJ3OslB+4gij9+F70usrnCNEJZm02ntyNdVzcqMbgdRMB93BJIRC1jjmCotpXgXWrRdTb/SfhIAkoHqgGi2aCUHuLDInLGZCn8NeziGWMnFOic6/sE/nMpwriOmwLb2nyzD0fGiolwuuxlOGMcBHAb22J8XqchFHyCpbs2A/rWdJMjhUfqsErbtZQM93fi1xfL2pUa9RMWX0Q81Qk7iSEeHCR+NGyQ==")]
    public void Alipay_A1_request_signature_matches_the_java_sdk(bool chinese, string expected)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["method"] = "koubei.marketing.data.indicator.query", ["app_id"] = "2019090366875133", ["sign_type"] = "RSA2", ["empty"] = "",
        };
        if (chinese) parameters["extra"] = "中文测试";
        var content = AlipaySignature.RequestContent(parameters);
        Assert.Equal(chinese
            ? "app_id=2019090366875133&extra=中文测试&method=koubei.marketing.data.indicator.query&sign_type=RSA2"
            : "app_id=2019090366875133&method=koubei.marketing.data.indicator.query&sign_type=RSA2", content);
        using var key = KeyMaterial.PrivateKey(Vector("alipay_java_prodcert_private_key_pkcs8.pem"));
        Assert.Equal(expected, AlipaySignature.Sign(key, content));
        using var pub = KeyMaterial.PublicKey(Vector("alipay_java_prodcert_public_key.pem"));
        Assert.True(AlipaySignature.Verify(pub, content, expected));
        // V1 (notification) content drops sign_type, so the same signature must not verify over it.
        Assert.False(AlipaySignature.Verify(pub, AlipaySignature.NotificationContent(parameters), expected));
    }

    [Fact]
    public void Alipay_A3_notification_decoded_once_verifies_with_plus_and_chinese_in_subject()
    {
        var fixture = Derived("alipay_notify");
        var form = QueryHelpers.ParseQuery(fixture.GetProperty("form_body_urlencoded").GetString());
        var parameters = form.ToDictionary(f => f.Key, f => (string?)f.Value.ToString());
        Assert.Equal("测试订单 A+B", parameters["subject"]);
        var content = AlipaySignature.NotificationContent(parameters);
        Assert.Equal(fixture.GetProperty("string_to_sign").GetString(), content);
        using var pub = KeyMaterial.PublicKey(Vector("alipay_java_prodcert_public_key.pem"));
        Assert.True(AlipaySignature.Verify(pub, content, parameters["sign"]));

        parameters["total_amount"] = "0.01";
        Assert.False(AlipaySignature.Verify(pub, AlipaySignature.NotificationContent(parameters), parameters["sign"]));
        Assert.Equal(8888, AlipayClient.Cents("88.88"));
        Assert.Equal(2000, AlipayClient.Cents("20"));
        Assert.Null(AlipayClient.Cents("0.001"));
    }

    [Fact]
    public void Alipay_A4_response_node_is_cut_from_the_raw_body_and_verifies()
    {
        var fixture = Derived("alipay_query_response");
        var raw = Encoding.UTF8.GetBytes(fixture.GetProperty("raw").GetString()!);
        var (node, sign) = AlipaySignature.ExtractResponse(raw, "alipay_trade_query_response");
        Assert.Equal(fixture.GetProperty("signed_substring").GetString(), node);
        using var pub = KeyMaterial.PublicKey(Vector("alipay_java_prodcert_public_key.pem"));
        Assert.True(AlipaySignature.Verify(pub, node!, sign));

        var duplicated = Encoding.UTF8.GetBytes(fixture.GetProperty("raw").GetString()!.Replace(",\"sign\":", ",\"alipay_trade_query_response\":{},\"sign\":"));
        Assert.Null(AlipaySignature.ExtractResponse(duplicated, "alipay_trade_query_response").Node);
    }

    [Fact]
    public void Alipay_A5_precreate_request_content_and_signature()
    {
        var fixture = Derived("alipay_request");
        var parameters = fixture.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => (string?)p.Value.GetString());
        var content = AlipaySignature.RequestContent(parameters);
        Assert.Equal(fixture.GetProperty("string_to_sign").GetString(), content);
        using var key = KeyMaterial.PrivateKey(Vector("alipay_java_prodcert_private_key_pkcs8.pem"));
        Assert.Equal(fixture.GetProperty("sign").GetString(), AlipaySignature.Sign(key, content));
    }

    [Fact]
    public void Keys_load_from_bare_base64_as_alipay_hands_them_out()
    {
        var pem = Vector("alipay_java_prodcert_public_key.pem");
        var bare = string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)));
        using var fromBare = KeyMaterial.PublicKey(bare);
        using var fromPem = KeyMaterial.PublicKey(pem);
        Assert.Equal(fromPem.ExportSubjectPublicKeyInfo(), fromBare.ExportSubjectPublicKeyInfo());
    }
}
