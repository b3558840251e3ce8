# Writes the file IN as a C string named td_default_conf into OUT.
file(READ ${IN} content HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
file(WRITE ${OUT} "/* Generated from conf/transcriptd.conf; do not edit. */\n"
  "extern const char td_default_conf[];\n"
  "const char td_default_conf[] = {${bytes} 0x00};\n")
