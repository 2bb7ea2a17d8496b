package routes.summaries;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QualityScoreTest {

    @Test
    void aCompleteSummaryOfEveryChunkScoresHigh() {
        QualityScore q = QualityScore.of(10, 10, 13, 13, 80_000, 400);
        assertThat(q.coverage()).isEqualTo(1.0);
        assertThat(q.completeness()).isEqualTo(1.0);
        assertThat(q.compression()).isEqualTo(0.995);
        assertThat(q.score()).isEqualTo(0.999);
    }

    @Test
    void missingChunksCostTheMost() {
        QualityScore q = QualityScore.of(10, 5, 13, 13, 80_000, 400);
        assertThat(q.coverage()).isEqualTo(0.5);
        assertThat(q.score()).isEqualTo(0.699);
    }

    @Test
    void answersCutOffByTheTokenLimitLowerTheScore() {
        QualityScore q = QualityScore.of(4, 4, 5, 1, 30_000, 500);
        assertThat(q.completeness()).isEqualTo(0.2);
        assertThat(q.score()).isEqualTo(0.837);
    }

    @Test
    void aSummaryAsLongAsItsTranscriptSummarizesNothing() {
        QualityScore q = QualityScore.of(1, 1, 2, 2, 100, 150);
        assertThat(q.compression()).isEqualTo(0.0);
        assertThat(q.score()).isEqualTo(0.8);
    }

    @Test
    void anEmptySummaryScoresZero() {
        assertThat(QualityScore.of(3, 3, 4, 4, 1000, 0).score()).isZero();
        assertThat(QualityScore.of(0, 0, 0, 0, 0, 10).score()).isZero();
    }
}
