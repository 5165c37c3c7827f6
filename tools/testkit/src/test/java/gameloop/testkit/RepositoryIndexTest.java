package gameloop.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's progression table, the parent pom's modules and the docs must tell the same
 * story: a module that is built is listed, linked, and has its README and its chapter.
 */
class RepositoryIndexTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    @Test
    void everyBuiltExampleIsLinkedFromTheReadmeAndEveryLinkedExampleIsBuilt() throws IOException {
        TreeSet<String> built = matches(read("pom.xml"), "<module>(examples/[^<]+)</module>");
        TreeSet<String> linked = matches(read("README.md"), "\\[examples/[^]]+]\\((examples/[^)]+)\\)");
        assertEquals(built, linked, "README progression table against the parent pom's <modules>");
    }

    @Test
    void everyBuiltExampleHasItsReadmeAndItsChapter() throws IOException {
        for (String module : matches(read("pom.xml"), "<module>(examples/[^<]+)</module>")) {
            String name = module.substring("examples/".length());
            assertTrue(Files.exists(ROOT.resolve(module).resolve("README.md")), module + " has no README.md");
            assertTrue(Files.exists(ROOT.resolve("docs").resolve(name + ".md")), module + " has no docs/" + name + ".md");
            assertTrue(read("docs/README.md").contains("(" + name + ".md)"), "docs/README.md does not link " + name);
        }
    }

    private static String read(String path) throws IOException {
        return Files.readString(ROOT.resolve(path));
    }

    private static TreeSet<String> matches(String text, String regex) {
        TreeSet<String> found = new TreeSet<>();
        Matcher matcher = Pattern.compile(regex).matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }
}
