package routes.transcripts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DotNetGuidTest {

    private static final String D = "9bbcf5f0-596e-4e90-b3c5-1b27358c5aeb";

    @Test
    void readsEveryDotNetFormat() {
        assertThat(DotNetGuid.normalize("9BBCF5F0-596E-4E90-B3C5-1B27358C5AEB")).isEqualTo(D);
        assertThat(DotNetGuid.normalize("9bbcf5f0596e4e90b3c51b27358c5aeb")).isEqualTo(D);
        assertThat(DotNetGuid.normalize("{9bbcf5f0-596e-4e90-b3c5-1b27358c5aeb}")).isEqualTo(D);
        assertThat(DotNetGuid.normalize("(9BBCF5F0-596E-4E90-B3C5-1B27358C5AEB)")).isEqualTo(D);
        assertThat(DotNetGuid.normalize(" " + D + " ")).isEqualTo(D);
    }

    @Test
    void refusesWhatIsNotAGuid() {
        assertThat(DotNetGuid.normalize(null)).isNull();
        assertThat(DotNetGuid.normalize("")).isNull();
        assertThat(DotNetGuid.normalize("9bbcf5f0-596e-4e90-b3c5")).isNull();
        assertThat(DotNetGuid.normalize("{9bbcf5f0-596e-4e90-b3c5-1b27358c5aeb)")).isNull();
        assertThat(DotNetGuid.normalize("zbbcf5f0596e4e90b3c51b27358c5aeb")).isNull();
    }
}
