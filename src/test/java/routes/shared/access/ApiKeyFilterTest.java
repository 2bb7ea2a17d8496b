package routes.shared.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import routes.shared.ProblemAnswer;

class ApiKeyFilterTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void withoutAKeyTheCallIsRefused401WithAChallengeAndAProblemBody() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter("key-new,key-old").doFilter(ingest(), response, chain);
        assertThat(chain.getRequest()).as("passed on").isNull();
        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"integration-hub\"");
        assertThat(response.getContentType()).startsWith("application/json");
        JsonNode body = json.readTree(response.getContentAsByteArray());
        assertThat(body.path("error").asText()).isEqualTo("unauthorized");
        assertThat(body.path("message").asText()).contains("X-API-Key").contains("Authorization: Bearer");
    }

    @Test
    void aWrongKeyIsRefusedWithoutNamingTheAcceptedOnes() throws Exception {
        for (String header : new String[] {"X-API-Key", "Authorization"}) {
            MockHttpServletRequest request = ingest();
            request.addHeader(header, header.equals("Authorization") ? "Bearer key-ne" : "key-new ");
            MockHttpServletResponse response = new MockHttpServletResponse();
            MockFilterChain chain = new MockFilterChain();
            filter("key-new,key-old").doFilter(request, response, chain);
            assertThat(response.getStatus()).as(header).isEqualTo(401);
            assertThat(chain.getRequest()).isNull();
            assertThat(response.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
            assertThat(response.getContentAsString()).doesNotContain("key-new").doesNotContain("key-old");
        }
    }

    @Test
    void eitherHeaderWithTheCurrentOrThePreviousKeyGoesThrough() throws Exception {
        String[][] cases = {{"X-API-Key", "key-new"}, {"X-API-Key", "key-old"}, {"Authorization", "Bearer key-new"},
                {"Authorization", "bearer   key-old"}};
        for (String[] c : cases) {
            MockHttpServletRequest request = ingest();
            request.addHeader(c[0], c[1]);
            MockHttpServletResponse response = new MockHttpServletResponse();
            MockFilterChain chain = new MockFilterChain();
            filter(" key-new , key-old ,").doFilter(request, response, chain);
            assertThat(chain.getRequest()).as(c[0] + ": " + c[1]).isSameAs(request);
            assertThat(response.getStatus()).isEqualTo(200);
        }
    }

    @Test
    void anAuthorizationHeaderOfAnotherSchemeIsNoKey() throws Exception {
        MockHttpServletRequest request = ingest();
        request.addHeader("Authorization", "Basic a2V5LW5ldw==");
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter("key-new").doFilter(request, response, new MockFilterChain());
        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(ApiKeyFilter.bearer("Bearer")).isNull();
        assertThat(ApiKeyFilter.bearer(null)).isNull();
    }

    @Test
    void withoutConfiguredKeysEveryCallGoesThrough() throws Exception {
        for (String keys : new String[] {null, "", " , "}) {
            MockHttpServletRequest request = ingest();
            MockFilterChain chain = new MockFilterChain();
            filter(keys).doFilter(request, new MockHttpServletResponse(), chain);
            assertThat(chain.getRequest()).as("keys '%s'", keys).isSameAs(request);
        }
    }

    @Test
    void acceptedSecretsCompareWholeValues() {
        AcceptedSecrets secrets = AcceptedSecrets.parse("alpha, beta");
        assertThat(secrets.size()).isEqualTo(2);
        assertThat(secrets.accepts("alpha")).isTrue();
        assertThat(secrets.accepts("beta")).isTrue();
        assertThat(secrets.accepts("alph")).isFalse();
        assertThat(secrets.accepts("alpha, beta")).isFalse();
        assertThat(secrets.accepts("")).isFalse();
        assertThat(secrets.accepts(null)).isFalse();
    }

    private ApiKeyFilter filter(String keys) {
        return new ApiKeyFilter(AcceptedSecrets.parse(keys), new ProblemAnswer(json));
    }

    private static MockHttpServletRequest ingest() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/ml/events/ingest");
        request.setContentType("application/json");
        request.setContent("{\"events\":[]}".getBytes());
        return request;
    }
}
