// Reads GitLab Runner's Go module source; standard library only.
module runner-source

go 1.22
