import FixloopCLI
import Foundation

exit(await Fixloop.run(arguments: Array(CommandLine.arguments.dropFirst())))
