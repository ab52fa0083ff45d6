import Testing

@testable import TranslatorCore

@Suite("XMLElementText")
struct XMLElementTextTests {
    static let document = """
        <?xml version="1.0"?>
        <Outer xmlns="https://example.com/">
          <CredentialsExtra>wrong</CredentialsExtra>
          <Credentials kind="x">
            <Value>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#65;&#x42; &bogus; &amp</Value>
            <Empty/>
            <Raw><![CDATA[<not & parsed>]]></Raw>
          </Credentials>
          <Value>outer</Value>
        </Outer>
        """

    @Test func pathsAndEntities() {
        #expect(
            XMLElementText.find(["Outer", "Credentials", "Value"], in: Self.document)
                == #"a & b <c> "d" 'e' AB &bogus; &amp"#)
        #expect(XMLElementText.find(["Outer", "Credentials", "Empty"], in: Self.document) == "")
        #expect(XMLElementText.find(["Outer", "Credentials", "Raw"], in: Self.document) == "<not & parsed>")
        #expect(XMLElementText.find(["Outer", "CredentialsExtra"], in: Self.document) == "wrong")
        // The first Value inside Outer is the nested one: the search is scoped, not anchored to direct children.
        #expect(XMLElementText.find(["Credentials", "Value"], in: Self.document)?.hasPrefix("a & b") == true)
    }

    @Test(arguments: [["Missing"], ["Outer", "Missing"], ["Credentials", "Outer"]])
    func missing(_ path: [String]) {
        #expect(XMLElementText.find(path, in: Self.document) == nil)
    }

    @Test func unterminatedIsNil() {
        #expect(XMLElementText.find(["A"], in: "<A>text") == nil)
        #expect(XMLElementText.find(["A"], in: "<A") == nil)
        #expect(XMLElementText.find(["A"], in: "") == nil)
    }
}
