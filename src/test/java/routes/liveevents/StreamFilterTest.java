package routes.liveevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import routes.shared.HttpProblem;

class StreamFilterTest {

    private static StreamedEvent event(String type, String video) {
        return StreamedEvent.of(StreamId.of("1-0"), type, video, "{}");
    }

    @Test
    void noFilterLetsEverythingThrough() {
        StreamFilter all = StreamFilter.of(null, null);
        assertThat(all.test(event("extraction.completed", null))).isTrue();
        assertThat(all.test(event("video.status", "v1"))).isTrue();
    }

    @Test
    void videoIdsAreRepeatableOrCommaSeparatedAndDropEventsWithoutAVideo() {
        StreamFilter videos = StreamFilter.of(List.of("v1", "v2, v3"), null);
        assertThat(videos.videoIds()).containsExactlyInAnyOrder("v1", "v2", "v3");
        assertThat(videos.test(event("video.status", "v3"))).isTrue();
        assertThat(videos.test(event("video.status", "v4"))).isFalse();
        assertThat(videos.test(event("extraction.completed", null))).isFalse();
    }

    @Test
    void typesCombineWithVideos() {
        StreamFilter filter = StreamFilter.of(List.of("v1"), List.of("summary.ready,error"));
        assertThat(filter.test(event("summary.ready", "v1"))).isTrue();
        assertThat(filter.test(event("video.status", "v1"))).isFalse();
        assertThat(filter.test(event("error", "v2"))).isFalse();
    }

    @Test
    void anUnknownTypeIsABadRequestNamingTheParameter() {
        assertThatThrownBy(() -> StreamFilter.of(null, List.of("video.status", "video.deleted")))
                .isInstanceOfSatisfying(HttpProblem.class, p -> {
                    assertThat(p.getStatus()).isEqualTo(400);
                    assertThat(p.getField()).isEqualTo("types");
                    assertThat(p.getMessage()).contains("video.deleted");
                });
    }
}
