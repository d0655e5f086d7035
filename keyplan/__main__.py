from keyplan.cli import main

main()
