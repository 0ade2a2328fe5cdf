"""The Infobrief as an e-mail (stub: implemented by the dispatch work package).

`build_message(...)` returns one `EmailMultiAlternatives` (plain text + HTML in the KERN look,
`List-Unsubscribe` + `List-Unsubscribe-Post`, web-version link, deterministic Message-ID). The
editors' test mail and the dispatch use the same function.
"""
