import FixloopGit
