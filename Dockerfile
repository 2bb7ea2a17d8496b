# Integration Hub image: build with the Maven wrapper, run on a JRE from the extracted jar with a CDS archive.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q -DskipTests package && cp target/integration-hub-*.jar /src/hub.jar

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 hub
WORKDIR /app
COPY --from=build /src/hub.jar /tmp/hub.jar
COPY jvm.options /app/jvm.options
# Spring Boot's CDS support: the extracted layout (hub.jar + lib/), then a training run that creates every bean and
# exits before Camel starts its routes (-Dspring.context.exit=onRefresh; Flyway off, so no database or broker is
# needed at build time); the JVM writes the classes it loaded to hub.jsa at exit. The archive only matches this JRE
# and this class path: it is rebuilt with the image, never copied between images.
RUN java -Djarmode=tools -jar /tmp/hub.jar extract --destination /app/extracted && rm /tmp/hub.jar \
 && mv /app/extracted/*.jar /app/extracted/hub.jar \
 && cd /app/extracted && SPRING_FLYWAY_ENABLED=false java @/app/jvm.options -XX:ArchiveClassesAtExit=/app/hub.jsa \
      -Dspring.context.exit=onRefresh -jar hub.jar \
 && chown -R hub /app
USER hub
# 8080: public API, console, health; 8081: internal listener (worker callbacks)
EXPOSE 8080 8081
# heap as a share of the container's memory limit; the fixed flags (GC, thread stacks, code cache) are in jvm.options
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
  CMD wget -qO- http://127.0.0.1:8080/actuator/health/readiness >/dev/null 2>&1 || exit 1
ENTRYPOINT ["java", "@/app/jvm.options", "-XX:SharedArchiveFile=/app/hub.jsa", "-jar", "/app/extracted/hub.jar"]
