package gameloop.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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

    /**
     * Every relative link in the Markdown a reader follows (the README, the chapters, each
     * module's README) leads to a file or folder that exists. Chapters and code move; a link
     * that silently breaks is the first thing a reader trips on.
     */
    @Test
    void everyRelativeLinkInTheDocsLeadsSomewhere() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        for (String folder : List.of("docs", "examples", "tools", "shared-client")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(folder))) {
                files.filter(f -> f.toString().endsWith(".md"))
                        .filter(f -> !ROOT.relativize(f).toString().contains("node_modules"))
                        .filter(f -> !ROOT.relativize(f).toString().contains("target"))
                        .forEach(pages::add);
            }
        }
        List<String> broken = new ArrayList<>();
        Pattern link = Pattern.compile("\\]\\(([^)\\s]+)\\)");
        for (Path page : pages) {
            Matcher matcher = link.matcher(Files.readString(page));
            while (matcher.find()) {
                String target = matcher.group(1);
                if (target.matches("^[a-z]+:.*") || target.startsWith("#")) {
                    continue; // a web address, or a place on the same page
                }
                String file = target.replaceFirst("#.*$", "");
                if (!Files.exists(page.getParent().resolve(file).normalize())) {
                    broken.add(ROOT.relativize(page) + " -> " + target);
                }
            }
        }
        assertEquals(List.of(), broken, "links to files that do not exist");
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
