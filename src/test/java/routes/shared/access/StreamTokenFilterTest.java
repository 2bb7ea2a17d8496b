package routes.shared.access;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.Cookie;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import com.fasterxml.jackson.databind.ObjectMapper;
import routes.shared.ProblemAnswer;

class StreamTokenFilterTest {

    private final ObjectMapper json = new ObjectMapper();
    private final StreamTokenFilter filter = new StreamTokenFilter(AcceptedSecrets.parse("tok-1,tok-0"), new ProblemAnswer(json));

    @Test
    void withoutATokenTheStreamIsRefused401() throws Exception {
        MockHttpServletResponse response = run(stream("types=video.status"));
        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getContentType()).startsWith("application/json");
        assertThat(json.readTree(response.getContentAsByteArray()).path("error").asText()).isEqualTo("unauthorized");
        assertThat(response.getContentAsString()).contains("access_token").contains("hub_stream_token");
        assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void aTokenInTheQueryOrTheCookieOpensIt() throws Exception {
        assertThat(passes(stream("types=video.status&access_token=tok-1"))).isTrue();
        assertThat(passes(stream("access_token=tok-0"))).as("the previous token").isTrue();
        assertThat(passes(stream("access_token=tok%2D1"))).as("URL-encoded").isTrue();
        MockHttpServletRequest cookie = stream(null);
        cookie.setCookies(new Cookie("other", "x"), new Cookie(StreamTokenFilter.COOKIE, "tok-1"));
        assertThat(passes(cookie)).isTrue();
        MockHttpServletRequest bearer = stream(null);
        bearer.addHeader("Authorization", "Bearer tok-1");
        assertThat(passes(bearer)).isTrue();
    }

    @Test
    void aWrongTokenIsRefusedEvenWithTheRightOneInAnotherPlace() throws Exception {
        assertThat(passes(stream("access_token=tok-2"))).isFalse();
        assertThat(passes(stream("access_token="))).isFalse();
        assertThat(passes(stream("x_access_token=tok-1"))).isFalse();
        MockHttpServletRequest wrongCookie = stream(null);
        wrongCookie.setCookies(new Cookie(StreamTokenFilter.COOKIE, "tok-"));
        assertThat(passes(wrongCookie)).isFalse();
        // the query parameter is the one checked: a wrong one there is not rescued by a right cookie
        MockHttpServletRequest both = stream("access_token=wrong");
        both.setCookies(new Cookie(StreamTokenFilter.COOKIE, "tok-1"));
        MockHttpServletResponse response = run(both);
        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getHeader("WWW-Authenticate")).contains("invalid_token");
    }

    @Test
    void withoutConfiguredTokensTheStreamIsOpen() throws Exception {
        StreamTokenFilter open = new StreamTokenFilter(AcceptedSecrets.parse(""), new ProblemAnswer(json));
        MockHttpServletRequest request = stream(null);
        MockFilterChain chain = new MockFilterChain();
        open.doFilter(request, new MockHttpServletResponse(), chain);
        assertThat(chain.getRequest()).isSameAs(request);
    }

    @Test
    void queryParameterParsing() {
        assertThat(StreamTokenFilter.queryParameter("a=1&access_token=x%20y&b")).isEqualTo("x y");
        assertThat(StreamTokenFilter.queryParameter("access_token")).isEmpty();
        assertThat(StreamTokenFilter.queryParameter("access_token=%zz")).isNull();
        assertThat(StreamTokenFilter.queryParameter(null)).isNull();
    }

    private boolean passes(MockHttpServletRequest request) throws Exception {
        MockFilterChain chain = new MockFilterChain();
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, chain);
        boolean passed = chain.getRequest() == request;
        assertThat(passed).isEqualTo(response.getStatus() == 200);
        return passed;
    }

    private MockHttpServletResponse run(MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        assertThat(chain.getRequest()).isNull();
        return response;
    }

    private static MockHttpServletRequest stream(String query) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v2/events/stream");
        request.setQueryString(query);
        return request;
    }
}
