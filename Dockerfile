# Integration Hub image: build with the Maven wrapper, run on a JRE.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q -DskipTests package && cp target/integration-hub-*.jar /src/hub.jar

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 hub
USER hub
WORKDIR /app
COPY --from=build /src/hub.jar /app/hub.jar
# 8080: public API, console, health; 8081: internal listener (worker callbacks)
EXPOSE 8080 8081
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
  CMD wget -qO- http://127.0.0.1:8080/actuator/health/readiness >/dev/null 2>&1 || exit 1
ENTRYPOINT ["java", "-jar", "/app/hub.jar"]
