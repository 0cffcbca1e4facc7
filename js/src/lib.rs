//! JavaScript on the ken heap: lexer, parser, interpreter (in progress).
